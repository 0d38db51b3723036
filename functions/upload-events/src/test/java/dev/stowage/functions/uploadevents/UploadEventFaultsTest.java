package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Checksums;
import dev.stowage.domain.Principal;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.domain.stagedfile.StagedFile;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.Footprint;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Faults injected between the upload-events function and PostgreSQL or S3 while it verifies, probes and promotes
 * an upload from its S3 event, and while it confirms a staged file: the message is reported failed (SQS
 * redelivers it, never drops it), nothing is half-applied, and the redelivery ends exactly where a fault-free
 * delivery does.
 */
// Alone: its purges and its before/after listings must not meet another class's rows, nor its own faults theirs.
@Isolated
class UploadEventFaultsTest {
    static final String SAMPLE_SESSION = "0b9d6a52-6c1f-4bb8-9f39-3c1d2e4f5a60";
    static final String SAMPLE_STAGED_HEX = "7196b70e6602c6516bc36e1661639478ed6d200b9fd2e3a43828a5f013cac249";
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";

    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static ApplicationContext context;
    static UploadEventsHandler handler;
    static JsonMapper json;
    static ObjectStore store;
    static Footprint faultFree;
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");

    final Principal owner = new Principal("event-faults-" + UUID.randomUUID());

    @BeforeAll
    static void start() throws Exception {
        context = ApplicationContext.run(faults.micronautProperties());
        handler = new UploadEventsHandler(context);
        json = context.getBean(JsonMapper.class);
        store = context.getBean(ObjectStore.class);
        Principal reference = new Principal("reference-" + UUID.randomUUID());
        assertEquals(ALL_SUCCEEDED, handle(eventFor(uploaded(reference))));
        faultFree = footprint(reference);
        assertTrue(faultFree.rows().getFirst().startsWith("session1 completed"), faultFree.toString());
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static UploadSession uploaded(Principal who) {
        var initiated = context.getBean(InitiateUpload.class).execute(who, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "my summer photo.jpg", "image/jpeg", (long) JPEG.length, null),
                "direct")).orElseThrow();
        UploadSession session = context.getBean(SignUpload.class).execute(who, initiated.id()).orElseThrow().session();
        store.put(session.uploadKey(), JPEG, "image/jpeg");
        return session;
    }

    /** S3's PUT notification for the session's object, as the queue delivers it. */
    static SQSMessage eventFor(UploadSession session) throws Exception {
        SQSMessage message = json.readValue(Events.text("sqs-s3-object-created-put.json")
                .replace(SAMPLE_SESSION, session.id().toString()), SQSEvent.class).getRecords().getFirst();
        message.setMessageId(UUID.randomUUID().toString());
        return message;
    }

    static String handle(SQSMessage message) throws Exception {
        var event = new SQSEvent();
        event.setRecords(List.of(message));
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The answer that makes SQS redeliver exactly this message. */
    static String failed(SQSMessage message) {
        return "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + message.getMessageId() + "\"}]}";
    }

    static Footprint footprint(Principal who) throws Exception {
        try (Connection db = faults.connect()) {
            return Footprint.of(db, store, who.id());
        }
    }

    static When sql(String verb, String table) {
        return When.bytes(verb + " " + table, chunk -> chunk.contains(verb) && chunk.contains(table));
    }

    @Test
    void verificationWhoseHeadStorageThrottlesIsRedeliveredAndThenConverges() throws Exception {
        UploadSession session = uploaded(owner);
        SQSMessage event = eventFor(session);
        FaultProxy.Rule slowDown = faults.storage.inject(When.httpRequest("HEAD", "/staging/"), Fault.s3SlowDown(),
                FaultProxy.ALWAYS);
        assertEquals(failed(event), handle(event));
        assertTrue(slowDown.fired() >= 3, "the SDK retried: " + slowDown.fired());
        faults.heal();
        Footprint halfway = footprint(owner);
        assertEquals("session1 signed presigned_put -> asset1", halfway.rows().getFirst(), halfway.toString());
        assertEquals(List.of("staging/session1/my summer photo.jpg"), halfway.objects());

        assertEquals(ALL_SUCCEEDED, handle(event));
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aProbeReadResetMidStreamIsRedeliveredAndTheRedeliveryTakesTheLaneOverAtOnce() throws Exception {
        SQSMessage event = eventFor(uploaded(owner));
        faults.storage.inject(When.httpRequest("GET", "/staging/"), Fault.resetAfter(Fault.Direction.TO_CLIENT, 700),
                FaultProxy.ALWAYS);
        assertEquals(failed(event), handle(event));
        faults.heal();
        assertEquals("asset1 analyzing null nullxnull", footprint(owner).rows().get(1));

        assertEquals(ALL_SUCCEEDED, handle(event));
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aPromotingCopyThatStorageFailsWith500IsRedeliveredAndConvergesWithNoSecondOriginal() throws Exception {
        SQSMessage event = eventFor(uploaded(owner));
        faults.storage.inject(When.httpRequest("PUT", "/original"), Fault.s3InternalError(), FaultProxy.ALWAYS);
        assertEquals(failed(event), handle(event));
        faults.heal();
        assertEquals(List.of("staging/session1/my summer photo.jpg"), footprint(owner).objects());

        assertEquals(ALL_SUCCEEDED, handle(event));
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aPromotionCommitCutOffIsRedeliveredAndFinishedOnce() throws Exception {
        SQSMessage event = eventFor(uploaded(owner));
        FaultProxy.Rule cut = faults.database.inject(sql("INSERT", "variants"), Fault.refuse());
        assertEquals(failed(event), handle(event));
        assertEquals(1, cut.fired());
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().get(1).startsWith("asset1 promoting"), halfway.toString());
        assertTrue(halfway.rows().stream().noneMatch(r -> r.contains(" variant ")), halfway.toString());

        assertEquals(ALL_SUCCEEDED, handle(event));
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aStagedFileConfirmationCutOffIsRedeliveredAndThenConfirmsTheEntry() throws Exception {
        byte[] bytes = ("staged under faults " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        var staged = context.getBean(StageFile.class).execute(owner, new StageFile.Command(
                Checksums.sha256Base64(bytes), "notes.txt", (long) bytes.length, "text/plain", 600L, null))
                .orElseThrow();
        var put = staged.upload().orElseThrow();
        assertEquals(200, PresignedHttp.send(put.url(), put.method(), put.headers(), bytes).statusCode());
        String hex = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        SQSMessage event = json.readValue(Events.text("sqs-s3-object-created-staged-file.json")
                .replace(SAMPLE_STAGED_HEX, hex), SQSEvent.class).getRecords().getFirst();
        event.setMessageId(UUID.randomUUID().toString());

        FaultProxy.Rule cut = faults.database.inject(sql("UPDATE", "staged_files"), Fault.refuse());
        assertEquals(failed(event), handle(event));
        assertEquals(1, cut.fired());
        StagedFiles files = context.getBean(StagedFiles.class);
        assertEquals(StagedFile.State.PENDING, files.find(owner, staged.file().id()).orElseThrow().state());

        assertEquals(ALL_SUCCEEDED, handle(event));
        assertEquals(StagedFile.State.PRESENT, files.find(owner, staged.file().id()).orElseThrow().state());
        assertEquals(1, store.list("staged-files/" + hex, java.util.Optional.empty(), 10).size());
    }
}
