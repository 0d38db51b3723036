package dev.stowage.functions.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The assets function, driven through its API Gateway handler against real PostgreSQL and S3. */
class AssetsFunctionTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    Asset stored(String file, String contentType) {
        byte[] bytes = TestMedia.bytes(file);
        return function.getApplicationContext().getBean(ProxiedUpload.class).execute(new Principal(alice),
                new ProxiedUpload.Command(new UploadAdmission.Declared("image", file, contentType,
                        (long) bytes.length, null), bytes)).orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAssetShowsItsMeasuredMetadataAndQueuedVariants() {
        Asset asset = stored("exif-rotated.jpg", "image/jpeg");
        var reply = api.call(alice, "GET", "/v1/assets/" + asset.id(), "");
        assertEquals(200, reply.status(), reply.body());
        var metadata = (Map<String, Object>) reply.map().get("metadata");
        assertEquals(600, metadata.get("width"));
        assertEquals(800, metadata.get("height"));
        assertEquals(6, metadata.get("orientation"));
        var variants = (List<Map<String, Object>>) reply.map().get("variants");
        assertEquals(List.of("medium", "thumb"), variants.stream().map(v -> v.get("name")).toList());
        assertEquals(List.of("queued", "queued"), variants.stream().map(v -> v.get("state")).toList());
        assertEquals("processing", reply.string("state"), "promoted, its variants not rendered yet");
    }

    @Test
    void anotherPrincipalsAssetAnswers404WithoutDetails() {
        Asset asset = stored("landscape.jpg", "image/jpeg");
        var reply = api.call("mallory", "GET", "/v1/assets/" + asset.id(), "");
        assertEquals(404, reply.status());
        assertEquals("asset_not_found", reply.string("code"));
    }

    @Test
    void aMissingAssetIs404AndABadIdIs400() {
        assertEquals(404, api.call(alice, "GET", "/v1/assets/" + UUID.randomUUID(), "").status());
        assertEquals(400, api.call(alice, "GET", "/v1/assets/12345", "").status());
    }
}
