package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Checksums;
import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.domain.stagedfile.StagedFile;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.testkit.AtLeastOnce;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * At-least-once delivery of S3's notifications: a generated stream of events (puts of direct uploads, one of them
 * of bytes that are not what they claim, completions of multipart uploads, staged files, S3's test event, poison
 * bodies) is delivered once, in order, by one handler for one principal; and for another principal with the same
 * uploads three times over (SQS's redelivery under the same message id, and S3's duplicate notification under a
 * new one), shuffled, in batches of 1 to 10, by four handler instances at once, each failed item delivered again as
 * SQS would. Both end in the same state, row for row and object for object, and the outbox holds each outcome once.
 *
 * <p>{@code -Dstowage.replay.events=1000} makes the stream longer (README's reliability table); a failure names
 * its {@code -Dstowage.replay.seed} so that the same order can be replayed.
 */
class AtLeastOnceDeliveryTest {
    static final int EVENTS = Integer.getInteger("stowage.replay.events", 18);
    static final long SEED = Long.getLong("stowage.replay.seed", System.nanoTime());
    static final int HANDLERS = 4;
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";
    static final String STAGED_SAMPLE_HEX = "7196b70e6602c6516bc36e1661639478ed6d200b9fd2e3a43828a5f013cac249";
    static ApplicationContext context;
    static JsonMapper json;
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");
    final byte[] png = TestMedia.bytes("alpha.png");
    final byte[] html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
            .getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    /** What one event of the stream is about: its notification, and how to read back what it changed. */
    record Subject(String kind, UUID id, SQSMessage message) {}

    @Test
    void threeShuffledConcurrentDeliveriesEndWhereOneInOrderDeliveryEnds() throws Exception {
        List<Subject> once = world(new Principal("once-" + UUID.randomUUID()));
        List<Subject> thrice = world(new Principal("thrice-" + UUID.randomUUID()));

        Random random = new Random(SEED);
        deliverInOrder(once);
        int deliveries = deliverShuffled(thrice, random);

        String context = "seed " + SEED + " (-Dstowage.replay.seed=" + SEED + ")";
        assertEquals(EVENTS, once.size());
        assertTrue(deliveries >= 3 * EVENTS, context);
        assertEquals(endState(once), endState(thrice), context);
        System.out.printf("at-least-once: %d events delivered %d times (%d handlers), end state as delivered once%n",
                EVENTS, deliveries, HANDLERS);
    }

    // ------------------------------------------------------------------ the world

    /** The uploads and staged files of one principal, each with the S3 event that reports it, in creation order. */
    List<Subject> world(Principal who) throws IOException {
        List<Subject> subjects = new ArrayList<>();
        for (int i = 0; subjects.size() < EVENTS; i++) {
            subjects.add(switch (i % 6) {
                case 0 -> direct(who, jpeg);
                case 1 -> direct(who, png); // declared image/jpeg, probed image/png: the probe's type is kept
                case 2 -> direct(who, html); // declared image/jpeg, a web page: refused, in both worlds
                case 3 -> multipart(who);
                case 4 -> staged(who, ("staged " + who.id() + " " + i).getBytes(StandardCharsets.UTF_8));
                default -> i % 12 == 5 ? new Subject("test-event", null, message(Events.text("sqs-s3-test-event.json")))
                        : new Subject("poison", null,
                                SampleMessages.withBody("{\"Records\":[{\"eventName\":" + i + "}]}"));
            });
        }
        return subjects;
    }

    Subject direct(Principal who, byte[] bytes) throws IOException {
        var initiated = context.getBean(InitiateUpload.class).execute(who, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "my summer photo.jpg", "image/jpeg", (long) jpeg.length, null),
                "direct")).orElseThrow();
        var signed = context.getBean(SignUpload.class).execute(who, initiated.id()).orElseThrow();
        byte[] body = java.util.Arrays.copyOf(bytes, jpeg.length); // the declared length, padded with zeros
        var request = signed.request();
        assertEquals(200, PresignedHttp.send(request.url(), request.method(), request.headers(), body).statusCode());
        return new Subject("upload", initiated.id(), sample("sqs-s3-object-created-put.json",
                SampleMessages.PUT_SAMPLE_SESSION, initiated.id()));
    }

    Subject multipart(Principal who) throws IOException {
        var session = context.getBean(InitiateUpload.class).execute(who, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "long holiday video.mp4", "image/jpeg", (long) jpeg.length,
                        null), "multipart")).orElseThrow();
        var part = context.getBean(SignUploadPart.class).execute(who, session.id(), 1).orElseThrow();
        var put = PresignedHttp.send(part.request().url(), part.request().method(), part.request().headers(), jpeg);
        assertEquals(200, put.statusCode());
        String etag = put.headers().firstValue("ETag").orElseThrow();
        assertTrue(context.getBean(MultipartStore.class).complete(session.uploadKey(),
                part.session().multipartUploadId().orElseThrow(), List.of(new MultipartStore.Part(1, etag, 0)))
                .isPresent());
        return new Subject("upload", session.id(), sample("sqs-s3-object-created-multipart.json",
                SampleMessages.MULTIPART_SAMPLE_SESSION, session.id()));
    }

    Subject staged(Principal who, byte[] bytes) throws IOException {
        var result = context.getBean(StageFile.class).execute(who, new StageFile.Command(
                Checksums.sha256Base64(bytes), "sample.txt", (long) bytes.length, "text/plain", 600L, null))
                .orElseThrow();
        var put = result.upload().orElseThrow();
        assertEquals(200, PresignedHttp.send(put.url(), put.method(), put.headers(), bytes).statusCode());
        StagedFile file = result.file();
        return new Subject("staged-file", file.id(), message(Events.text("sqs-s3-object-created-staged-file.json")
                .replace(STAGED_SAMPLE_HEX, file.checksumHex())));
    }

    // ------------------------------------------------------------------ delivery

    static void deliverInOrder(List<Subject> world) throws IOException {
        var handler = new UploadEventsHandler(context);
        for (Subject s : world) {
            assertEquals(ALL_SUCCEEDED, handle(handler, List.of(s.message())), s.toString());
        }
    }

    /** Each message three times, shuffled, by four handlers at once: see {@link AtLeastOnce}. */
    static int deliverShuffled(List<Subject> world, Random random) throws Exception {
        return AtLeastOnce.sqs(json, HANDLERS, () -> new UploadEventsHandler(context))
                .deliver(world.stream().map(Subject::message).toList(), random);
    }

    static String handle(UploadEventsHandler handler, List<SQSMessage> batch) throws IOException {
        var event = new SQSEvent();
        event.setRecords(batch);
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ the end state

    /**
     * Each subject's state in creation order, without the ids, keys and times that differ between the worlds:
     * sessions with their asset, probe, variants, objects and outbox events; staged files with their state.
     */
    static List<String> endState(List<Subject> world) throws Exception {
        List<String> states = new ArrayList<>();
        for (Subject s : world) {
            states.add(switch (s.kind()) {
                case "upload" -> upload(s.id());
                case "staged-file" -> context.getBean(StagedFiles.class).find(principalOf(world), s.id())
                        .orElseThrow().state().toString();
                default -> s.kind();
            });
        }
        return states;
    }

    static Principal principalOf(List<Subject> world) {
        UUID session = world.stream().filter(s -> s.kind().equals("upload")).findFirst().orElseThrow().id();
        return context.getBean(UploadSessions.class).findById(session).orElseThrow().owner();
    }

    static String upload(UUID sessionId) throws Exception {
        UploadSession session = context.getBean(UploadSessions.class).findById(sessionId).orElseThrow();
        ObjectStore store = context.getBean(ObjectStore.class);
        StringBuilder state = new StringBuilder(session.strategy() + " " + session.state() + " "
                + session.failureReason().orElse("-") + " staged-object=" + store.head(session.uploadKey()).isPresent());
        var found = session.assetId().flatMap(context.getBean(Assets.class)::findById);
        if (found.isPresent()) {
            Asset asset = found.get();
            state.append(" | asset ").append(asset.state()).append(' ').append(asset.probe().orElse(null))
                    .append(' ').append(asset.quarantineReason().orElse("-"))
                    .append(" stored=").append(asset.storageKey().flatMap(store::head).map(o -> o.size()).orElse(-1L))
                    .append(" variants=").append(context.getBean(Assets.class).variantsOf(asset.id()).stream()
                            .map(v -> v.name() + ":" + v.state()).sorted().toList())
                    .append(" events=").append(outbox(asset.id()));
        }
        return state.append(" | session events=").append(outbox(sessionId)).toString();
    }

    static List<String> outbox(UUID subject) throws Exception {
        try (var c = TestStack.get().connect();
             var q = c.prepareStatement("SELECT type FROM outbox_events WHERE subject_id = ? ORDER BY seq")) {
            q.setObject(1, subject);
            List<String> types = new ArrayList<>();
            try (var rows = q.executeQuery()) {
                while (rows.next()) {
                    types.add(rows.getString(1));
                }
            }
            return types;
        }
    }

    // ------------------------------------------------------------------ messages

    static SQSMessage sample(String sample, String sampleSession, UUID sessionId) throws IOException {
        return SampleMessages.sample(json, sample, sampleSession, sessionId);
    }

    static SQSMessage message(String sqsEvent) throws IOException {
        return SampleMessages.message(json, sqsEvent);
    }
}
