package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The S3 trigger, fed the sample events from events/, against real PostgreSQL and S3. */
class UploadEventsHandlerTest {
    static final String SAMPLE_SESSION = "0b9d6a52-6c1f-4bb8-9f39-3c1d2e4f5a60";
    static ApplicationContext context;
    static UploadEventsHandler handler;
    static JsonMapper json;

    final Principal alice = new Principal("alice-" + UUID.randomUUID());

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

    UploadEventsHandler.Report handle(String event) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return json.readValue(out.toByteArray(), UploadEventsHandler.Report.class);
    }

    /** A signed session for a file whose name has spaces, as in the sample event. */
    UploadSession signedSession(byte[] bytes) {
        var initiated = context.getBean(InitiateUpload.class).execute(alice, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "my summer photo.jpg", "image/jpeg", (long) bytes.length, null),
                "direct")).orElseThrow();
        return context.getBean(SignUpload.class).execute(alice, initiated.id()).orElseThrow().session();
    }

    /** The sample event, pointed at this session's object (its key stays URL-encoded). */
    static String sampleEventFor(UploadSession session) {
        String event = Events.text("s3-object-created-put.json");
        assertTrue(event.contains("staging/" + SAMPLE_SESSION + "/my+summer+photo.jpg"));
        return event.replace(SAMPLE_SESSION, session.id().toString());
    }

    @Test
    void replayingAnObjectCreatedEventThreeTimesPromotesOnce() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        UploadSession session = signedSession(jpeg);
        context.getBean(ObjectStore.class).put(session.uploadKey(), jpeg, "image/jpeg");
        String event = sampleEventFor(session);

        List<String> outcomes = List.of(handle(event), handle(event), handle(event)).stream()
                .map(r -> r.objects().getFirst().outcome()).toList();

        assertEquals(List.of("verified", "already_handled", "already_handled"), outcomes);
        assertEquals("staging/" + session.id() + "/my summer photo.jpg", handle(event).objects().getFirst().key());
        var asset = context.getBean(Assets.class).findById(session.requireAssetId()).orElseThrow();
        assertEquals(AssetState.AVAILABLE, asset.state());
        assertEquals(1200, asset.probe().orElseThrow().width());
        // Variants were planned once, not once per delivery.
        assertEquals(2, context.getBean(Assets.class).variantsOf(asset.id()).size());
        assertEquals(UploadState.COMPLETED, context.getBean(UploadSessions.class).findById(session.id())
                .orElseThrow().state());
    }

    @Test
    void anEventThatOvertakesItsObjectChangesNothingAndTheLaterOneVerifies() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        UploadSession session = signedSession(jpeg);
        String event = sampleEventFor(session);

        assertEquals("rejected", handle(event).objects().getFirst().outcome());
        assertEquals(UploadState.SIGNED, context.getBean(UploadSessions.class).findById(session.id())
                .orElseThrow().state());

        context.getBean(ObjectStore.class).put(session.uploadKey(), jpeg, "image/jpeg");
        assertEquals("verified", handle(event).objects().getFirst().outcome());
    }

    @Test
    void aCompleteMultipartUploadEventVerifiesAMultipartSession() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        var session = context.getBean(InitiateUpload.class).execute(alice, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "long holiday video.mp4", "image/jpeg", (long) jpeg.length,
                        null), "multipart")).orElseThrow();
        var signed = context.getBean(SignUploadPart.class).execute(alice, session.id(), 1).orElseThrow();
        // Assemble the object as the client's parts and CompleteMultipartUpload would.
        var multipart = context.getBean(MultipartStore.class);
        String uploadId = signed.session().multipartUploadId().orElseThrow();
        context.getBean(ObjectStore.class).put(session.uploadKey(), jpeg, "image/jpeg");
        multipart.abort(session.uploadKey(), uploadId);

        String event = Events.text("s3-object-created-multipart.json");
        assertTrue(event.contains("\"ObjectCreated:CompleteMultipartUpload\""));
        event = event.replace("7c1e9a40-2b3d-4e5f-8a6b-9c0d1e2f3a4b", session.id().toString());

        assertEquals(List.of("verified", "already_handled"),
                List.of(handle(event), handle(event)).stream().map(r -> r.objects().getFirst().outcome()).toList());
        assertEquals(UploadState.COMPLETED, context.getBean(UploadSessions.class).findById(session.id())
                .orElseThrow().state());
    }

    @Test
    void theS3TestEventIsIgnored() throws Exception {
        var report = handle(Events.text("s3-test-event.json"));
        assertTrue(report.testEvent());
        assertEquals(List.of(), report.objects());
    }

    @Test
    void anEventForAKeyNoSessionKnowsIsDropped() throws Exception {
        String event = Events.text("s3-object-created-put.json");
        assertEquals("unknown_key", handle(event).objects().getFirst().outcome());
    }
}
