package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.PartPlan;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verification holds what storage has against what the session declared: the size always, a declared
 * SHA-256 from S3's stored checksum for a direct PUT and from the whole file's bytes for a multipart
 * upload. A mismatch fails the session and deletes the staged object; nothing is promoted. Driven on the
 * real PostgreSQL and S3 server.
 */
class VerificationChecksTest {
    static ApplicationContext context;
    static ObjectStore store;
    static UploadSessions sessions;
    static Assets assets;
    final Principal dora = new Principal("dora-" + UUID.randomUUID());
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        store = context.getBean(ObjectStore.class);
        sessions = context.getBean(UploadSessions.class);
        assets = context.getBean(Assets.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    /** Storage that counts whole-object reads of one key: only hashing reads a whole object. */
    static final class CountingOpens extends DelegatingObjectStore {
        final AtomicInteger opened = new AtomicInteger();
        final String key;

        CountingOpens(String key) {
            super(store);
            this.key = key;
        }

        @Override
        public InputStream open(String k) {
            if (k.equals(key)) {
                opened.incrementAndGet();
            }
            return super.open(k);
        }
    }

    UploadSession initiate(String strategy, String filename, long byteSize, String checksumSha256) {
        return context.getBean(InitiateUpload.class).execute(dora, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", filename, "image/jpeg", byteSize, checksumSha256), strategy))
                .orElseThrow();
    }

    /** Signs and PUTs every part of {@code file}; answers the parts as the client lists them to complete. */
    List<MultipartStore.Part> putParts(UploadSession session, byte[] file) {
        PartPlan plan = session.partPlan().orElseThrow();
        List<MultipartStore.Part> parts = new ArrayList<>();
        for (int n = 1; n <= plan.partCount(); n++) {
            var signed = context.getBean(SignUploadPart.class).execute(dora, session.id(), n).orElseThrow();
            var request = signed.request();
            var response = PresignedHttp.send(request.url(), request.method(), request.headers(), file,
                    (int) ((n - 1) * plan.partSize()), (int) plan.sizeOf(n));
            assertEquals(200, response.statusCode(), "part " + n);
            parts.add(new MultipartStore.Part(n, response.headers().firstValue("ETag").orElseThrow(), 0));
        }
        return parts;
    }

    UploadSession reread(UploadSession session) {
        return sessions.findById(session.id()).orElseThrow();
    }

    /** The session failed for {@code code}, its staged object is gone and its asset was never promoted. */
    void assertFailedAndCleared(UploadSession session, ErrorCode code) {
        UploadSession now = reread(session);
        assertEquals(UploadState.FAILED, now.state());
        assertTrue(now.failureReason().orElseThrow().startsWith(code.code() + ":"), now.failureReason().toString());
        assertTrue(store.head(session.uploadKey()).isEmpty(), "the staged object is deleted");
        assertEquals(AssetState.STAGED, assets.findById(session.requireAssetId()).orElseThrow().state());
        assertTrue(store.head(StorageKeys.original(session.requireAssetId())).isEmpty(), "nothing was promoted");
    }

    @Test
    void aMultipartUploadDeclaringTheWholeFilesChecksumIsHashedAndCompletes() {
        // Two parts: S3's own checksum of such an object is a checksum of part checksums, never the file's.
        byte[] file = Arrays.copyOf(jpeg, (int) PartPlan.PREFERRED_PART_SIZE + 1_000);
        UploadSession session = initiate("multipart", "two parts.jpg", file.length, Checksums.sha256Base64(file));
        assertEquals(2, session.partPlan().orElseThrow().partCount());
        List<MultipartStore.Part> parts = putParts(session, file);
        CountingOpens storage = new CountingOpens(session.uploadKey());

        var completed = TestLane.of(context).storage(storage).verify().complete(dora, session.id(), parts);

        assertEquals(AssetState.PROCESSING, completed.orElseThrow().asset().state(), completed.toString());
        assertEquals(UploadState.COMPLETED, reread(session).state());
        assertEquals(1, storage.opened.get(), "the assembled object was read whole, once, to hash it");
        assertEquals(file.length, store.head(StorageKeys.original(session.requireAssetId())).orElseThrow().size());
    }

    @Test
    void aMultipartUploadWhoseBytesAreNotTheDeclaredChecksumFailsAndItsObjectIsDeleted() {
        byte[] other = jpeg.clone();
        other[other.length / 2] ^= 1;
        UploadSession session = initiate("multipart", "tampered.jpg", jpeg.length, Checksums.sha256Base64(other));
        List<MultipartStore.Part> parts = putParts(session, jpeg);

        var completed = TestLane.of(context).verify().complete(dora, session.id(), parts);

        assertTrue(completed instanceof Result.Err<?> err && err.code() == ErrorCode.CHECKSUM_MISMATCH,
                completed.toString());
        assertFailedAndCleared(session, ErrorCode.CHECKSUM_MISMATCH);
    }

    @ParameterizedTest(name = "{0} byte(s) off")
    @ValueSource(ints = {-1, 1})
    void anObjectOfAnotherSizeThanDeclaredFailsTheSessionWhenItsEventArrives(int difference) {
        UploadSession session = initiate("direct", "resized.jpg", jpeg.length, null);
        context.getBean(SignUpload.class).execute(dora, session.id()).orElseThrow();
        // A presigned PUT binds the length, so the wrong size is written straight through the port.
        store.put(session.uploadKey(), Arrays.copyOf(jpeg, jpeg.length + difference), "image/jpeg");

        var outcome = context.getBean(VerifyUpload.class).objectCreated(session.uploadKey());

        assertEquals(VerifyUpload.EventOutcome.REJECTED, outcome);
        assertFailedAndCleared(session, ErrorCode.SIZE_MISMATCH);
    }

    @Test
    void aDirectUploadDeclaringAChecksumIsVerifiedByTheChecksumS3StoredWithoutReadingTheBytes() {
        UploadSession session = initiate("direct", "sealed.jpg", jpeg.length, Checksums.sha256Base64(jpeg));
        var request = context.getBean(SignUpload.class).execute(dora, session.id()).orElseThrow().request();
        assertEquals(200, PresignedHttp.send(request.url(), request.method(), request.headers(), jpeg).statusCode());
        assertEquals(session.checksumSha256(), store.head(session.uploadKey()).orElseThrow().checksumSha256(),
                "S3 stored the checksum the signed PUT carried");
        CountingOpens storage = new CountingOpens(session.uploadKey());

        var outcome = TestLane.of(context).storage(storage).verify().objectCreated(session.uploadKey());

        assertEquals(VerifyUpload.EventOutcome.VERIFIED, outcome);
        assertEquals(UploadState.COMPLETED, reread(session).state());
        assertEquals(AssetState.PROCESSING, assets.findById(session.requireAssetId()).orElseThrow().state());
        assertEquals(0, storage.opened.get(), "S3's stored checksum stands in for hashing the bytes");
    }

    @Test
    void aDirectObjectWithNoStoredChecksumIsHashedAndOtherBytesOfTheSameLengthFailTheSession() {
        UploadSession session = initiate("direct", "swapped.jpg", jpeg.length, Checksums.sha256Base64(jpeg));
        context.getBean(SignUpload.class).execute(dora, session.id()).orElseThrow();
        byte[] other = jpeg.clone();
        other[other.length / 2] ^= 1;
        store.put(session.uploadKey(), other, "image/jpeg"); // no x-amz-checksum-sha256 with it
        assertTrue(store.head(session.uploadKey()).orElseThrow().checksumSha256().isEmpty());

        var outcome = context.getBean(VerifyUpload.class).objectCreated(session.uploadKey());

        assertEquals(VerifyUpload.EventOutcome.REJECTED, outcome);
        assertFailedAndCleared(session, ErrorCode.CHECKSUM_MISMATCH);
    }
}
