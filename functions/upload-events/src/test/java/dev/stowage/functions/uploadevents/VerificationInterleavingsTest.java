package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.ObjectInfo;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interleavings of the verification lane with what clients do meanwhile, driven with the real PostgreSQL
 * and S3 server: each intruding action is made from inside a port call, at exactly the moment it targets.
 * An uploader keeps its presigned PUT URL after verification and re-PUTs same-length bytes that are not
 * what they claim; a cancel lands between verification's look at storage and its compare-and-set.
 */
@org.junit.jupiter.api.parallel.Isolated // it runs the purger, which acts on every test's rows
class VerificationInterleavingsTest {
    static ApplicationContext context;
    static ObjectStore store;
    static Assets assets;
    final Principal mallory = new Principal("mallory-" + UUID.randomUUID());
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        store = context.getBean(ObjectStore.class);
        assets = context.getBean(Assets.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    /** HTML of exactly {@code length} bytes: the URL binds type and length, not the bytes. */
    static byte[] htmlOfLength(int length) {
        byte[] html = new byte[length];
        Arrays.fill(html, (byte) ' ');
        byte[] page = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(page, 0, html, 0, page.length);
        return html;
    }

    SignUpload.Signed signedAndPut() {
        var initiated = context.getBean(InitiateUpload.class).execute(mallory, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "cat.jpg", "image/jpeg", (long) jpeg.length, null),
                "direct")).orElseThrow();
        var signed = context.getBean(SignUpload.class).execute(mallory, initiated.id()).orElseThrow();
        assertEquals(200, put(signed, jpeg));
        return signed;
    }

    static int put(SignUpload.Signed signed, byte[] body) {
        var request = signed.request();
        return PresignedHttp.send(request.url(), request.method(), request.headers(), body).statusCode();
    }

    static VerifyUpload lane(MediaProbe probe) {
        return lane(probe, store);
    }

    static VerifyUpload lane(MediaProbe probe, ObjectStore storage) {
        return lane(probe, storage, context.getBean(UploadSessions.class), Duration.ofMinutes(10));
    }

    static VerifyUpload lane(MediaProbe probe, ObjectStore storage, UploadSessions sessions, Duration lease) {
        return TestLane.of(context).probe(probe).storage(storage).sessions(sessions).lease(lease).verify();
    }

    @Test
    void aCompleteThatLosesItsTransitionToACancelSaysSoInsteadOfReportingSuccess() {
        var signed = signedAndPut();
        UUID sessionId = signed.session().id();
        // Storage as seen by verification: the cancel lands right after it finds the object.
        ObjectStore cancelledMeanwhile = new DelegatingObjectStore(store) {
            @Override
            public Optional<ObjectInfo> head(String key) {
                Optional<ObjectInfo> found = super.head(key);
                if (key.equals(signed.session().uploadKey())) {
                    assertTrue(context.getBean(CancelUpload.class).execute(mallory, sessionId) instanceof Result.Ok<?>);
                }
                return found;
            }
        };

        Result<VerifyUpload.Verified> completed = lane(context.getBean(MediaProbe.class), cancelledMeanwhile)
                .complete(mallory, sessionId, List.of());

        assertTrue(completed instanceof Result.Err<VerifyUpload.Verified> err && err.code() == ErrorCode.INVALID_STATE
                && err.detail().contains("aborted"), completed.toString());
        assertEquals(UploadState.ABORTED, context.getBean(UploadSessions.class).findById(sessionId).orElseThrow().state());
    }

    @Test
    void aRePutBetweenProbeAndCopyIsProbedInItsTurnAndNeverPromotedAsWhatItClaims() {
        var signed = signedAndPut();
        MediaProbe real = context.getBean(MediaProbe.class);
        AtomicBoolean swapped = new AtomicBoolean();
        MediaProbe swappingProbe = (head, size) -> {
            if (swapped.compareAndSet(false, true)) {
                assertEquals(200, put(signed, htmlOfLength(jpeg.length)), "the URL still takes a PUT");
            }
            return real.probe(head, size);
        };

        lane(swappingProbe).objectCreated(signed.session().uploadKey());

        var asset = assets.findById(signed.session().requireAssetId()).orElseThrow();
        assertTrue(swapped.get());
        assertEquals(AssetState.QUARANTINED, asset.state(), asset.toString());
        assertTrue(asset.quarantineReason().orElseThrow().startsWith("content_type_not_allowed"), asset.toString());
        assertTrue(store.head(StorageKeys.original(asset.id())).isEmpty(), "nothing was promoted");
        assertTrue(store.head(signed.session().uploadKey()).isEmpty(), "quarantined bytes are not kept");
    }

    @Test
    void aRePutAfterPromotionChangesNothingAndIsRemoved() {
        var signed = signedAndPut();
        VerifyUpload lane = lane(context.getBean(MediaProbe.class));
        lane.objectCreated(signed.session().uploadKey());
        UUID assetId = signed.session().requireAssetId();
        assertEquals(AssetState.PROCESSING, assets.findById(assetId).orElseThrow().state());

        assertEquals(200, put(signed, htmlOfLength(jpeg.length)));
        lane.objectCreated(signed.session().uploadKey()); // the S3 event of that late PUT

        assertEquals(AssetState.PROCESSING, assets.findById(assetId).orElseThrow().state());
        assertTrue(store.head(signed.session().uploadKey()).isEmpty(), "the late PUT's object is removed");
        String original = StorageKeys.original(assetId);
        assertArrayEquals(jpeg, store.read(original, 0, jpeg.length + 1).bytes());
        assertEquals("image/jpeg", store.head(original).orElseThrow().contentType());
    }

    /** S3 as a lane sees it during one outage: the first call of {@code what} fails with a 5xx, later ones work. */
    static ObjectStore failingOnce(String what) {
        AtomicBoolean failed = new AtomicBoolean();
        return new DelegatingObjectStore(store) {
            void maybeFail(String call) {
                if (call.equals(what) && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("S3 answered 503 SlowDown to " + call);
                }
            }

            @Override
            public Optional<ObjectInfo> head(String key) {
                // No stored checksum: verification hashes the bytes itself, through open().
                return super.head(key).map(i -> new ObjectInfo(i.key(), i.size(), i.contentType(), i.etag(),
                        Optional.empty()));
            }

            @Override
            public java.io.InputStream open(String key) {
                maybeFail("open");
                return super.open(key);
            }

            @Override
            public Slice read(String key, long offset, int length) {
                maybeFail("read");
                return super.read(key, offset, length);
            }
        };
    }

    SignUpload.Signed signedWithChecksumAndPut() {
        var initiated = context.getBean(InitiateUpload.class).execute(mallory, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "cat.jpg", "image/jpeg", (long) jpeg.length,
                        dev.stowage.domain.Checksums.sha256Base64(jpeg)), "direct")).orElseThrow();
        var signed = context.getBean(SignUpload.class).execute(mallory, initiated.id()).orElseThrow();
        assertEquals(200, put(signed, jpeg));
        return signed;
    }

    @Test
    void aLaneThatDiesInVerifyingIsTakenOverByTheRetryOnceItsLeaseRunsOut() {
        var signed = signedWithChecksumAndPut();
        UploadSessions sessions = context.getBean(UploadSessions.class);
        // A holder that died inside the lane hands nothing back; a lease of zero has run out by the time the retry
        // comes.
        assertTrue(sessions.claim(signed.session().id(), EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING,
                Lease.fresh(Duration.ZERO)));
        String key = signed.session().uploadKey();

        assertEquals(VerifyUpload.EventOutcome.ALREADY_HANDLED, lane(context.getBean(MediaProbe.class))
                .objectCreated(key)); // S3's retry of the event
        assertEquals(UploadState.COMPLETED, sessions.findById(signed.session().id()).orElseThrow().state());
        assertEquals(AssetState.PROCESSING, assets.findById(signed.session().requireAssetId()).orElseThrow().state());
    }

    @Test
    void aLiveLeaseKeepsOthersOutOfTheLane() {
        var signed = signedWithChecksumAndPut();
        UploadSessions sessions = context.getBean(UploadSessions.class);
        // A holder that died inside the lane (a Lambda timeout) leaves its claim and its lease, and hands nothing back.
        assertTrue(sessions.claim(signed.session().id(), EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING,
                Lease.fresh(Duration.ofMinutes(10))));

        lane(context.getBean(MediaProbe.class)).objectCreated(signed.session().uploadKey());

        assertEquals(UploadState.VERIFYING, sessions.findById(signed.session().id()).orElseThrow().state());
    }

    @Test
    void aLaneThatFailsHandsItBackAndTheRetryTakesItOverAtOnce() {
        var signed = signedWithChecksumAndPut();
        // A lease of ten minutes: only the hand-back lets the retry in before it runs out.
        VerifyUpload failing = lane(context.getBean(MediaProbe.class), failingOnce("open"),
                context.getBean(UploadSessions.class), Duration.ofMinutes(10));
        String key = signed.session().uploadKey();

        assertThrows(IllegalStateException.class, () -> failing.objectCreated(key)); // storage fails while hashing
        UploadSessions sessions = context.getBean(UploadSessions.class);
        assertEquals(UploadState.VERIFYING, sessions.findById(signed.session().id()).orElseThrow().state());

        assertEquals(VerifyUpload.EventOutcome.ALREADY_HANDLED, failing.objectCreated(key)); // S3's retry of the event
        assertEquals(UploadState.COMPLETED, sessions.findById(signed.session().id()).orElseThrow().state());
        assertEquals(AssetState.PROCESSING, assets.findById(signed.session().requireAssetId()).orElseThrow().state());
    }

    @Test
    void anAssetLeftInAnalyzingIsTakenOverByTheRetryOnceItsLeaseRunsOut() {
        var signed = signedAndPut();
        VerifyUpload lane = lane(context.getBean(MediaProbe.class), failingOnce("read"),
                context.getBean(UploadSessions.class), Duration.ZERO);
        UUID assetId = signed.session().requireAssetId();

        assertThrows(IllegalStateException.class, () -> lane.objectCreated(signed.session().uploadKey()));
        assertEquals(AssetState.ANALYZING, assets.findById(assetId).orElseThrow().state());

        lane.objectCreated(signed.session().uploadKey());
        assertEquals(AssetState.PROCESSING, assets.findById(assetId).orElseThrow().state());
        assertTrue(store.head(StorageKeys.original(assetId)).isPresent());
    }

    @Test
    void thePurgerTakesOverStrandedLanesWhenNoRetryComes() {
        var verifying = signedWithChecksumAndPut();
        assertThrows(IllegalStateException.class, () -> lane(context.getBean(MediaProbe.class), failingOnce("open"),
                context.getBean(UploadSessions.class), Duration.ZERO).objectCreated(verifying.session().uploadKey()));
        var analyzing = signedAndPut();
        assertThrows(IllegalStateException.class, () -> lane(context.getBean(MediaProbe.class), failingOnce("read"),
                context.getBean(UploadSessions.class), Duration.ZERO).objectCreated(analyzing.session().uploadKey()));

        var report = context.getBean(PurgeAbandonedUploads.class).run(false);

        assertTrue(report.lanesResumed() >= 2, report.toString());
        for (var s : List.of(verifying, analyzing)) {
            assertEquals(AssetState.PROCESSING, assets.findById(s.session().requireAssetId()).orElseThrow().state());
        }
    }

    @Test
    void anExpiredSessionWhoseUploadFinishedIsVerifiedNotDeletedWhenItsEventWasLost() throws Exception {
        var signed = signedAndPut(); // S3's event exhausted its retries: nothing ran
        expireNow(signed.session().id());

        var report = context.getBean(PurgeAbandonedUploads.class).run(false);

        assertTrue(report.sessionsVerified() >= 1, report.toString());
        assertEquals(UploadState.COMPLETED,
                context.getBean(UploadSessions.class).findById(signed.session().id()).orElseThrow().state());
        assertEquals(AssetState.PROCESSING, assets.findById(signed.session().requireAssetId()).orElseThrow().state());
    }

    static void expireNow(UUID sessionId) {
        sql("UPDATE upload_sessions SET expires_at = now() - interval '1 minute' WHERE id = '" + sessionId + "'");
    }

    static void sql(String statement) {
        var stack = TestStack.get();
        try (var c = java.sql.DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword())) {
            assertEquals(1, c.createStatement().executeUpdate(statement));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
