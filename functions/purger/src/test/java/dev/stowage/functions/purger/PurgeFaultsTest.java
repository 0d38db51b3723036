package dev.stowage.functions.purger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.Footprint;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Faults injected between the purger and PostgreSQL or S3 while it expires an abandoned multipart session and
 * removes its residue (the open multipart upload with a part in it, the staged asset), and while a multipart
 * initiate fails for good: a run that fails says so (the schedule runs again), leaves nothing half-applied, and
 * the next run ends exactly where a fault-free run ends, with zero residue in the bucket and the database.
 */
// Alone: its purges and its before/after listings must not meet another class's rows, nor its own faults theirs.
@Isolated
class PurgeFaultsTest {
    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static ApplicationContext context;
    static PurgerHandler handler;
    static Footprint faultFree;
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");

    final Principal owner = new Principal("purge-faults-" + UUID.randomUUID());

    @BeforeAll
    static void start() throws Exception {
        context = ApplicationContext.run(faults.micronautProperties());
        handler = new PurgerHandler(context);
        Principal reference = new Principal("reference-" + UUID.randomUUID());
        UploadSession session = abandonedMultipart(reference);
        purge();
        faultFree = footprint(reference);
        assertEquals(List.of("session1 expired multipart -> no asset", "session1 event upload.expired"),
                faultFree.rows(), faultFree.toString());
        assertEquals(List.of(), faultFree.objects());
        assertEquals(List.of(), openUploads(session));
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static void purge() throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Events.text("scheduled-purge.json")
                .getBytes(StandardCharsets.UTF_8)), out, null);
    }

    /** A multipart session with one part uploaded, then abandoned past its expiry. */
    static UploadSession abandonedMultipart(Principal who) throws Exception {
        UploadSession session = context.getBean(InitiateUpload.class).execute(who, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "p.jpg", "image/jpeg", (long) JPEG.length, null), "multipart"))
                .orElseThrow();
        var part = context.getBean(SignUploadPart.class).execute(who, session.id(), 1).orElseThrow().request();
        assertEquals(200, dev.stowage.testkit.PresignedHttp.send(part.url(), part.method(), part.headers(), JPEG)
                .statusCode());
        try (Connection db = faults.connect(); var s = db.prepareStatement(
                "UPDATE upload_sessions SET expires_at = now() - interval '1 minute' WHERE id = ?")) {
            s.setObject(1, session.id());
            assertEquals(1, s.executeUpdate());
        }
        return session;
    }

    static List<String> openUploads(UploadSession session) {
        return context.getBean(MultipartStore.class).listUploads(session.uploadKey(), 10).stream()
                .map(MultipartStore.PendingUpload::uploadId).toList();
    }

    static Footprint footprint(Principal who) throws Exception {
        try (Connection db = faults.connect()) {
            return Footprint.of(db, context.getBean(ObjectStore.class), who.id());
        }
    }

    @Test
    void aPurgeWhoseAbortStorageFailsLeavesTheResidueForTheNextRunWhichConverges() throws Exception {
        UploadSession session = abandonedMultipart(owner);
        // 500, not SlowDown: the SDK backs off a throttled call for a second or more, a 500 for 100 ms.
        FaultProxy.Rule broken = faults.storage.inject(When.httpRequest("DELETE", "uploadId="),
                Fault.s3InternalError(), FaultProxy.ALWAYS);
        runMayFail();
        assertTrue(broken.fired() >= 3, "the abort was tried: " + broken.fired());
        faults.heal();
        assertEquals(1, openUploads(session).size(), "the multipart upload is still there to abort");

        purge();
        assertEquals(faultFree, footprint(owner));
        assertEquals(List.of(), openUploads(session));
    }

    @Test
    void aPurgeWhoseStagedAssetDeleteIsCutOffFailsAndTheNextRunConverges() throws Exception {
        UploadSession session = abandonedMultipart(owner);
        FaultProxy.Rule cut = faults.database.inject(
                When.bytes("DELETE assets", c -> c.contains("DELETE") && c.contains("assets")), Fault.refuse());
        assertThrows(RuntimeException.class, PurgeFaultsTest::purge, "the schedule hears of the failure");
        assertEquals(1, cut.fired());
        faults.heal();
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().getFirst().startsWith("session1 expired multipart -> asset1"), halfway.toString());

        purge();
        assertEquals(faultFree, footprint(owner));
        assertEquals(List.of(), openUploads(session));
    }

    @Test
    void aMultipartInitiateThatFailedForGoodLeavesNoAssetOnceThePurgerHasRun() throws Exception {
        faults.storage.inject(When.httpRequest("POST", "?uploads"), Fault.s3InternalError(), FaultProxy.ALWAYS);
        var failed = context.getBean(InitiateUpload.class).execute(owner, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "p.jpg", "image/jpeg", (long) JPEG.length, null), "multipart"));
        assertEquals("storage_unavailable", ((dev.stowage.domain.Result.Err<?>) failed).code().code());
        faults.heal();

        purge();
        Footprint after = footprint(owner);
        assertEquals(List.of("session1 failed multipart failed-with-reason -> no asset"), after.rows(), after.toString());
        assertEquals(List.of(), after.objects());
    }

    /** A purge run under a storage fault: it may finish with the failure counted, or fail; both are retried. */
    static void runMayFail() {
        try {
            purge();
        } catch (Exception e) {
            // the schedule's next run is the retry
        }
    }
}
