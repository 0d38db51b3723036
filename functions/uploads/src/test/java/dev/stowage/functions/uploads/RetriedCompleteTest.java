package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.DelegatingMultipartStore;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client whose {@code complete} response was lost sends it again. The retry answers 200 with the same
 * asset, and nothing exists twice: one asset, its variants planned once, one original. Through the
 * uploads function's HTTP handler, on real PostgreSQL and S3.
 */
class RetriedCompleteTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static ObjectStore store;
    static Assets assets;

    final String grace = "grace-" + UUID.randomUUID();
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        store = function.getApplicationContext().getBean(ObjectStore.class);
        assets = function.getApplicationContext().getBean(Assets.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    record Uploaded(String id, String etag) {
        String completePath() {
            return "/v1/uploads/" + id + "/complete";
        }

        String partsJson() {
            return "{\"parts\":[{\"partNumber\":1,\"etag\":\"" + etag.replace("\"", "\\\"") + "\"}]}";
        }
    }

    /** A one-part multipart session whose part is up. */
    @SuppressWarnings("unchecked")
    Uploaded multipartUploaded() {
        var created = api.call(grace, "POST", "/v1/uploads", """
                {"profile":"image","filename":"photo.jpg","contentType":"image/jpeg","byteSize":%d,"strategy":"multipart"}"""
                .formatted(jpeg.length));
        assertEquals(201, created.status(), created.body());
        String id = created.string("id");
        var signed = api.call(grace, "POST", "/v1/uploads/" + id + "/parts/1/url", "");
        var put = PresignedHttp.send(URI.create(signed.string("url")), "PUT",
                (Map<String, String>) signed.map().get("headers"), jpeg);
        assertEquals(200, put.statusCode());
        return new Uploaded(id, put.headers().firstValue("ETag").orElseThrow());
    }

    /** The caller's assets, counted in the database: a duplicate would show here. */
    int assetsOwnedBy(String owner) throws SQLException {
        TestStack stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var query = c.prepareStatement("SELECT count(*) FROM assets WHERE owner = ?")) {
            query.setString(1, owner);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** One asset for the caller, promoted once: its original in place and its variants planned once. */
    void assertOneAsset(String assetId) throws SQLException {
        assertEquals(1, assetsOwnedBy(grace));
        UUID id = UUID.fromString(assetId);
        assertEquals(2, assets.variantsOf(id).size(), "the image profile's two variants, planned once");
        assertEquals(jpeg.length, store.head(StorageKeys.original(id)).orElseThrow().size());
    }

    @Test
    void completingAgainAfterASuccessfulCompleteAnswersTheSameAssetAndDuplicatesNothing() throws SQLException {
        Uploaded up = multipartUploaded();
        var first = api.call(grace, "POST", up.completePath(), up.partsJson());
        assertEquals(200, first.status(), first.body());

        var retried = api.call(grace, "POST", up.completePath(), up.partsJson());

        assertEquals(200, retried.status(), retried.body());
        assertEquals(first.body(), retried.body(), "the same asset, unchanged");
        assertEquals("processing", retried.string("state"));
        assertOneAsset(retried.string("id"));
    }

    @Test
    void aCompleteThatDiedAfterStorageAssembledThePartsIsFinishedByTheRetry() throws SQLException {
        Uploaded up = multipartUploaded();
        var context = function.getApplicationContext();
        MultipartStore diesAfterAssembling = new DelegatingMultipartStore(context.getBean(MultipartStore.class)) {
            @Override
            public Optional<String> complete(String key, String uploadId, List<Part> parts) {
                super.complete(key, uploadId, parts);
                throw new IllegalStateException("the function timed out before it could answer");
            }
        };
        var parts = List.of(new MultipartStore.Part(1, up.etag(), 0));
        assertThrows(IllegalStateException.class, () -> TestLane.of(context).multipart(diesAfterAssembling).verify()
                .complete(new Principal(grace), UUID.fromString(up.id()), parts));
        var died = api.call(grace, "GET", "/v1/uploads/" + up.id(), "");
        assertEquals(UploadState.UPLOADED.wire(), died.string("state"));
        assertTrue(store.head(StorageKeys.original(UUID.fromString(died.string("assetId")))).isPresent(),
                "storage holds the object assembled at the asset's original");

        var retried = api.call(grace, "POST", up.completePath(), up.partsJson());

        assertEquals(200, retried.status(), retried.body());
        assertEquals("processing", retried.string("state"));
        var session = api.call(grace, "GET", "/v1/uploads/" + up.id(), "");
        assertEquals("completed", session.string("state"));
        assertEquals(session.string("assetId"), retried.string("id"));
        assertOneAsset(retried.string("id"));
    }

    /**
     * Found by the soak: purging a completed upload's asset (let go of, past the grace) failed the session's check
     * (ON DELETE SET NULL left a completed session with no asset, which V1 refused), and the failure stopped every
     * purger run after it. Now the asset goes, the session stays completed without it, and the upload's URL, which
     * outlives the session, lands nothing: its S3 event deletes the object.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aCompletedUploadOutlivesItsPurgedAssetAndALatePutToItsUrlIsRemoved() throws SQLException {
        var created = api.call(grace, "POST", "/v1/uploads", """
                {"profile":"image","filename":"photo.jpg","contentType":"image/jpeg","byteSize":%d}"""
                .formatted(jpeg.length));
        assertEquals(201, created.status(), created.body());
        String id = created.string("id");
        UUID assetId = UUID.fromString(created.string("assetId"));
        var signed = api.call(grace, "POST", "/v1/uploads/" + id + "/url", "");
        URI url = URI.create(signed.string("url"));
        Map<String, String> headers = (Map<String, String>) signed.map().get("headers");
        assertEquals(200, PresignedHttp.send(url, "PUT", headers, jpeg).statusCode());
        assertEquals(200, api.call(grace, "POST", "/v1/uploads/" + id + "/complete", "").status());

        TestStack stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var detach = c.prepareStatement("UPDATE assets SET detached_at = now() - interval '1 hour' WHERE id = ?")) {
            detach.setObject(1, assetId);
            assertEquals(1, detach.executeUpdate());
        }
        new PurgeDetachedAssets(assets, store, new UnreferencedGraces(Duration.ZERO, Duration.ofDays(1)), 100).run();

        assertTrue(assets.findById(assetId).isEmpty(), "the asset's row is removed");
        assertTrue(store.head(StorageKeys.original(assetId)).isEmpty(), "and its original");
        var session = api.call(grace, "GET", "/v1/uploads/" + id, "");
        assertEquals(200, session.status(), session.body());
        assertEquals("completed", session.string("state"));
        var again = api.call(grace, "POST", "/v1/uploads/" + id + "/complete", "");
        assertEquals(404, again.status(), again.body());
        assertEquals("asset_not_found", again.string("code"));

        String staging = StorageKeys.stagingUpload(UUID.fromString(id), "photo.jpg");
        assertEquals(200, PresignedHttp.send(url, "PUT", headers, jpeg).statusCode(), "the URL outlives the session");
        assertEquals(VerifyUpload.EventOutcome.REJECTED,
                function.getApplicationContext().getBean(VerifyUpload.class).objectCreated(staging));
        assertTrue(store.head(staging).isEmpty(), "the late bytes are removed");
    }
}
