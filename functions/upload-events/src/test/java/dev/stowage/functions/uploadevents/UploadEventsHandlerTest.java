package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Checksums;
import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.ObjectInfo;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.domain.stagedfile.ConfirmStagedFile;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.domain.stagedfile.StagedFile;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQS trigger (S3 notifications on the queue, partial batch responses), fed the sample events from
 * events/, against real PostgreSQL and S3.
 */
class UploadEventsHandlerTest {
    static final String SAMPLE_SESSION = SampleMessages.PUT_SAMPLE_SESSION;
    static final String MULTIPART_SAMPLE_SESSION = SampleMessages.MULTIPART_SAMPLE_SESSION;
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";
    static ApplicationContext context;
    static UploadEventsHandler handler;
    static JsonMapper json;

    final Principal alice = new Principal("alice-" + UUID.randomUUID());
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        handler = new UploadEventsHandler(context);
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    /** The handler's raw answer to an SQS event. */
    static String handle(UploadEventsHandler handler, String sqsEvent) throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(sqsEvent.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    static String handle(String sqsEvent) throws IOException {
        return handle(handler, sqsEvent);
    }

    static String failed(String... messageIds) {
        return Arrays.stream(messageIds).map(id -> "{\"itemIdentifier\":\"" + id + "\"}")
                .reduce((a, b) -> a + "," + b).map(items -> "{\"batchItemFailures\":[" + items + "]}")
                .orElse(ALL_SUCCEEDED);
    }

    /** One batch of the given messages, as the SQS event source sends it. */
    static String batch(SQSMessage... messages) throws IOException {
        var event = new SQSEvent();
        event.setRecords(List.of(messages));
        return json.writeValueAsString(event);
    }

    static SQSMessage sampleMessage(String sample, String sampleSession, UUID sessionId) throws IOException {
        return SampleMessages.sample(json, sample, sampleSession, sessionId);
    }

    /** The PUT sample as S3 would send it for this session's object (its key stays URL-encoded). */
    static SQSMessage putMessageFor(UploadSession session) throws IOException {
        SQSMessage message = sampleMessage("sqs-s3-object-created-put.json", SAMPLE_SESSION, session.id());
        assertTrue(message.getBody().contains("staging/" + session.id() + "/my+summer+photo.jpg"));
        return message;
    }

    static SQSMessage withBody(String body) {
        return SampleMessages.withBody(body);
    }

    /** A signed session for a file whose name has spaces, as in the sample event. */
    UploadSession signedSession() {
        var initiated = context.getBean(InitiateUpload.class).execute(alice, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "my summer photo.jpg", "image/jpeg", (long) jpeg.length, null),
                "direct")).orElseThrow();
        return context.getBean(SignUpload.class).execute(alice, initiated.id()).orElseThrow().session();
    }

    UploadSession uploaded() {
        UploadSession session = signedSession();
        context.getBean(ObjectStore.class).put(session.uploadKey(), jpeg, "image/jpeg");
        return session;
    }

    static UploadState stateOf(UploadSession session) {
        return context.getBean(UploadSessions.class).findById(session.id()).orElseThrow().state();
    }

    @Test
    void aBatchWhoseOneMessageCannotReachStorageReportsExactlyThatMessageAndVerifiesTheOthers() throws Exception {
        UploadSession first = uploaded();
        UploadSession unlucky = uploaded();
        UploadSession third = uploaded();
        ObjectStore storage = context.getBean(ObjectStore.class);
        var down = new DelegatingObjectStore(storage) {
            @Override
            public Optional<ObjectInfo> head(String key) {
                if (key.equals(unlucky.uploadKey())) {
                    throw new IllegalStateException("S3 answered 503 SlowDown to HEAD " + key);
                }
                return super.head(key);
            }
        };
        var failing = new UploadEventsHandler(json, lane(down), context.getBean(ConfirmStagedFile.class));
        SQSMessage unluckyMessage = putMessageFor(unlucky);

        String answer = handle(failing, batch(putMessageFor(first), unluckyMessage, putMessageFor(third)));

        assertEquals(failed(unluckyMessage.getMessageId()), answer);
        assertEquals(UploadState.COMPLETED, stateOf(first));
        assertEquals(UploadState.COMPLETED, stateOf(third));
        assertEquals(UploadState.SIGNED, stateOf(unlucky), "nothing changed for the failed message");

        // SQS redelivers only that message; storage is back.
        var attributes = new java.util.HashMap<>(unluckyMessage.getAttributes());
        attributes.put("ApproximateReceiveCount", "2");
        unluckyMessage.setAttributes(attributes);
        assertEquals(ALL_SUCCEEDED, handle(batch(unluckyMessage)));
        assertEquals(UploadState.COMPLETED, stateOf(unlucky));
    }

    /** The lane the context builds, over {@code storage}. */
    static VerifyUpload lane(ObjectStore storage) {
        return TestLane.of(context).storage(storage).verify();
    }

    @Test
    void theS3TestEventAndPoisonBodiesAreAcknowledgedWithNoFailure() throws Exception {
        SQSMessage testEvent = json.readValue(Events.text("sqs-s3-test-event.json"), SQSEvent.class)
                .getRecords().getFirst();
        assertTrue(testEvent.getBody().contains("\"s3:TestEvent\""));

        String answer = handle(batch(testEvent, withBody("not json at all"), withBody("{\"hello\":\"world\"}"),
                withBody("[1,2,3]"), withBody(null),
                withBody("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":\"staging/%zz\"}}}]}")));

        assertEquals(ALL_SUCCEEDED, answer);
    }

    @Test
    void oneMessageReplayedAcrossThreeBatchesPromotesOnce() throws Exception {
        UploadSession session = uploaded();
        SQSMessage message = putMessageFor(session);

        for (int receive = 1; receive <= 3; receive++) {
            assertEquals(ALL_SUCCEEDED, handle(batch(message)));
        }

        assertEquals(UploadState.COMPLETED, stateOf(session));
        var asset = context.getBean(Assets.class).findById(session.requireAssetId()).orElseThrow();
        assertEquals(AssetState.PROCESSING, asset.state());
        assertEquals(1200, asset.probe().orElseThrow().width());
        // Variants were planned once, not once per delivery.
        assertEquals(2, context.getBean(Assets.class).variantsOf(asset.id()).size());
    }

    @Test
    void theSameS3EventTwiceInOneBatchVerifiesOnce() throws Exception {
        UploadSession session = uploaded();
        SQSMessage message = putMessageFor(session);
        SQSMessage duplicate = putMessageFor(session); // S3 sent the notification twice: same body, new message

        assertEquals(ALL_SUCCEEDED, handle(batch(message, duplicate, message)));

        var asset = context.getBean(Assets.class).findById(session.requireAssetId()).orElseThrow();
        assertEquals(AssetState.PROCESSING, asset.state());
        assertEquals(2, context.getBean(Assets.class).variantsOf(asset.id()).size());
    }

    @Test
    void anEventThatOvertakesItsObjectChangesNothingAndTheLaterOneVerifies() throws Exception {
        UploadSession session = signedSession();
        SQSMessage message = putMessageFor(session);

        assertEquals(ALL_SUCCEEDED, handle(batch(message)), "an object not there yet is final, not retried");
        assertEquals(UploadState.SIGNED, stateOf(session));

        context.getBean(ObjectStore.class).put(session.uploadKey(), jpeg, "image/jpeg");
        assertEquals(ALL_SUCCEEDED, handle(batch(putMessageFor(session))));
        assertEquals(UploadState.COMPLETED, stateOf(session));
    }

    @Test
    void aCompleteMultipartUploadEventVerifiesAStagedMultipartSession() throws Exception {
        // Staged because its declared checksum must be hashed (one without lands at its original, where no event
        // comes: complete verifies it).
        var session = context.getBean(InitiateUpload.class).execute(alice, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "long holiday video.mp4", "image/jpeg", (long) jpeg.length,
                        Checksums.sha256Base64(jpeg)), "multipart")).orElseThrow();
        var part = context.getBean(SignUploadPart.class).execute(alice, session.id(), 1).orElseThrow();
        // The client's part PUT, then the CompleteMultipartUpload whose event S3 would send.
        var put = PresignedHttp.send(part.request().url(), part.request().method(), part.request().headers(), jpeg);
        assertEquals(200, put.statusCode());
        String etag = put.headers().firstValue("ETag").orElseThrow();
        String uploadId = part.session().multipartUploadId().orElseThrow();
        assertTrue(context.getBean(MultipartStore.class)
                .complete(session.uploadKey(), uploadId, List.of(new MultipartStore.Part(1, etag, 0))).isPresent());
        SQSMessage message = sampleMessage("sqs-s3-object-created-multipart.json", MULTIPART_SAMPLE_SESSION,
                session.id());
        assertTrue(message.getBody().contains("\"ObjectCreated:CompleteMultipartUpload\""));

        assertEquals(ALL_SUCCEEDED, handle(batch(message)));

        assertEquals(UploadState.COMPLETED, stateOf(session));
        assertEquals(AssetState.PROCESSING, context.getBean(Assets.class).findById(session.requireAssetId())
                .orElseThrow().state());
    }

    @Test
    void everySampleInEventsGoesThroughTheHandlerAsAWSWouldSendIt() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(Events.dir())) {
            samples = files.filter(f -> f.getFileName().toString().startsWith("sqs-s3-")).sorted().toList();
        }
        assertEquals(4, samples.size(), samples.toString());
        for (Path sample : samples) {
            String text = Events.text(sample.getFileName().toString());
            SQSMessage message = json.readValue(text, SQSEvent.class).getRecords().getFirst();
            assertEquals("aws:sqs", message.getEventSource(), sample.toString());
            assertTrue(message.getEventSourceArn().startsWith("arn:aws:sqs:"), sample.toString());
            assertEquals("1", message.getAttributes().get("ApproximateReceiveCount"), sample.toString());
            assertFalse(message.getBody().isBlank(), sample.toString());
            // The sample sessions and staged files exist nowhere: their keys are unknown, which is final.
            assertEquals(ALL_SUCCEEDED, handle(text), sample.toString());
        }
    }

    /** The bytes whose SHA-256 names the object of {@code sqs-s3-object-created-staged-file.json}. */
    static final byte[] STAGED_SAMPLE = "Hello from a staged file.\n".getBytes(StandardCharsets.UTF_8);
    static final String STAGED_SAMPLE_HEX = "7196b70e6602c6516bc36e1661639478ed6d200b9fd2e3a43828a5f013cac249";

    StagedFile staged(Principal who, byte[] bytes, boolean upload) {
        var result = context.getBean(StageFile.class).execute(who, new StageFile.Command(
                dev.stowage.domain.Checksums.sha256Base64(bytes), "sample.txt", (long) bytes.length, "text/plain",
                600L, null)).orElseThrow();
        if (upload) {
            var put = result.upload().orElseThrow();
            assertEquals(200, PresignedHttp.send(put.url(), put.method(), put.headers(), bytes).statusCode());
        }
        return result.file();
    }

    StagedFile.State stateOf(StagedFile f) {
        return context.getBean(StagedFiles.class).find(f.owner(), f.id()).orElseThrow().state();
    }

    @Test
    void aStagedFileEventMarksThePendingEntriesOfItsChecksumPresentAndAReplayChangesNothing() throws Exception {
        StagedFile uploader = staged(new Principal("ann-" + UUID.randomUUID()), STAGED_SAMPLE, true);
        assertEquals(STAGED_SAMPLE_HEX, uploader.checksumHex());
        String sample = Events.text("sqs-s3-object-created-staged-file.json");

        assertEquals(ALL_SUCCEEDED, handle(sample));
        assertEquals(StagedFile.State.PRESENT, stateOf(uploader));
        assertEquals(ALL_SUCCEEDED, handle(sample), "a replay is acknowledged");
        assertEquals(StagedFile.State.PRESENT, stateOf(uploader));
    }

    @Test
    void anObjectWithoutTheSignedChecksumLeavesItsEntriesPending() throws Exception {
        byte[] bytes = ("not through our URL " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        StagedFile entry = staged(new Principal("ann-" + UUID.randomUUID()), bytes, false);
        context.getBean(ObjectStore.class).put(entry.storageKey(), bytes, "text/plain"); // no x-amz-checksum-sha256

        assertEquals(ConfirmStagedFile.Outcome.MISMATCH,
                context.getBean(ConfirmStagedFile.class).objectCreated(entry.storageKey()));
        assertEquals(ALL_SUCCEEDED, handle(Events.text("sqs-s3-object-created-staged-file.json")
                .replace(STAGED_SAMPLE_HEX, entry.checksumHex())));
        assertEquals(StagedFile.State.PENDING, stateOf(entry));
    }
}
