package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One session, three callers released at once, round after round: the client's {@code complete}, S3's event
 * through the handler, and the client's cancel. One of completion and cancel wins; the loser gets a clean refusal
 * (never an exception, never a success it did not have); an event that found verification in flight is answered
 * as failed and, delivered again as SQS would, ends acknowledged. Afterwards the bucket holds the promoted
 * original exactly when the session completed, and the staged object is gone whenever the asset is promoted.
 */
class CompleteEventCancelRaceTest {
    static final int ROUNDS = Integer.getInteger("stowage.race.rounds", 20);
    static final java.time.Duration HEAD_START = java.time.Duration.ofMillis(60);
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";
    static ApplicationContext context;
    static UploadEventsHandler handler;
    final Principal racer = new Principal("racer-" + UUID.randomUUID());
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        handler = new UploadEventsHandler(context);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void completeEventAndCancelRacingOnOneSessionLeaveOneWinnerAndABucketThatAgrees() throws Exception {
        long seed = Long.getLong("stowage.race.seed", System.nanoTime());
        var random = new java.util.Random(seed);
        int completed = 0;
        int cancelled = 0;
        try (var pool = Executors.newFixedThreadPool(3)) {
            for (int round = 0; round < ROUNDS; round++) {
                UploadSession session = uploaded();
                String event = Events.text("sqs-s3-object-created-put.json")
                        .replace(SampleMessages.PUT_SAMPLE_SESSION, session.id().toString());
                var barrier = new CyclicBarrier(3);
                Future<Result<VerifyUpload.Verified>> complete = pool.submit(() -> {
                    barrier.await();
                    return context.getBean(VerifyUpload.class).complete(racer, session.id(), List.of());
                });
                Future<String> notified = pool.submit(() -> {
                    barrier.await();
                    return handle(event);
                });
                // Where the cancel lands in the verifiers' work: a head start for them, drawn per round. It only
                // spreads the interleavings tried; every assertion below holds for any of them.
                long headStart = random.nextLong(HEAD_START.toNanos());
                Future<Result<UploadSession>> cancel = pool.submit((Callable<Result<UploadSession>>) () -> {
                    barrier.await();
                    java.util.concurrent.locks.LockSupport.parkNanos(headStart);
                    return context.getBean(CancelUpload.class).execute(racer, session.id());
                });

                String where = "round " + round + " of seed " + seed + ", session " + session.id();
                Result<VerifyUpload.Verified> completion = complete.get();
                Result<UploadSession> cancellation = cancel.get();
                if (!notified.get().equals(ALL_SUCCEEDED)) {
                    // It found verification in flight and asked to be delivered again; now the race is over.
                    assertEquals(ALL_SUCCEEDED, handle(event), where + ": the redelivered event");
                }
                UploadState state = context.getBean(UploadSessions.class).findById(session.id()).orElseThrow().state();
                boolean won = state == UploadState.COMPLETED;
                assertTrue(won || state == UploadState.ABORTED, where + ": " + state);
                assertClean(completion, won, where + ": complete");
                assertClean(cancellation, !won, where + ": cancel");
                assertBucketAgrees(session, won, where);
                completed += won ? 1 : 0;
                cancelled += won ? 0 : 1;
            }
        }
        assertEquals(ROUNDS, completed + cancelled);
        System.out.printf("complete vs event vs cancel: %d rounds, %d completed, %d cancelled%n", ROUNDS, completed,
                cancelled);
    }

    /** The winner's answer is a success; the loser's a refusal naming the state it lost to. */
    static void assertClean(Result<?> result, boolean won, String where) {
        if (won) {
            assertTrue(result instanceof Result.Ok<?>, where + " won but answered " + result);
        } else {
            assertTrue(result instanceof Result.Err<?> err
                    && Set.of(ErrorCode.INVALID_STATE, ErrorCode.UPLOAD_COMPLETED, ErrorCode.NOT_CANCELLABLE).contains(err.code()),
                    where + " lost but answered " + result);
        }
    }

    void assertBucketAgrees(UploadSession session, boolean completed, String where) {
        ObjectStore store = context.getBean(ObjectStore.class);
        UUID assetId = session.requireAssetId();
        var asset = context.getBean(Assets.class).findById(assetId);
        var original = store.list(StorageKeys.original(assetId), Optional.empty(), 10);
        if (completed) {
            assertEquals(AssetState.PROCESSING, asset.orElseThrow().state(), where);
            assertEquals(1, original.size(), where + ": the promoted original");
            assertEquals(jpeg.length, store.head(asset.get().storageKey().orElseThrow()).orElseThrow().size(), where);
            assertTrue(store.head(session.uploadKey()).isEmpty(), where + ": staged object left after promotion");
        } else {
            assertEquals(List.of(), original, where + ": a cancelled upload's asset has no original");
            assertTrue(asset.isEmpty() || asset.get().state() != AssetState.PROCESSING, where + ": " + asset);
        }
    }

    UploadSession uploaded() {
        var initiated = context.getBean(InitiateUpload.class).execute(racer, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "my summer photo.jpg", "image/jpeg", (long) jpeg.length, null),
                "direct")).orElseThrow();
        var signed = context.getBean(SignUpload.class).execute(racer, initiated.id()).orElseThrow();
        var request = signed.request();
        assertEquals(200, PresignedHttp.send(request.url(), request.method(), request.headers(), jpeg).statusCode());
        return signed.session();
    }

    static String handle(String sqsEvent) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(sqsEvent.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }
}
