package dev.stowage.functions.purger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The purger, fed the sample scheduled event, against a seeded mix of live, expired, cancelled and
 * orphaned uploads on real PostgreSQL and S3. This module's JVM holds no other test, so the counts
 * are exactly this mix.
 */
class PurgerHandlerTest {
    static ApplicationContext context;
    static PurgerHandler handler;
    static JsonMapper json;
    static final Principal ALICE = new Principal("alice-" + UUID.randomUUID());
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        var properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("stowage.purge.orphan-grace", "0s"); // this test's orphans are seconds old
        properties.put("stowage.purge.batch-size", 2);       // several batches from a small mix
        context = ApplicationContext.run(properties);
        handler = new PurgerHandler(context);
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static PurgeAbandonedUploads.Report purge(String event) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return json.readValue(out.toByteArray(), PurgeAbandonedUploads.Report.class);
    }

    static UploadSession initiate(String strategy) {
        return context.getBean(InitiateUpload.class).execute(ALICE, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "p.jpg", "image/jpeg", (long) JPEG.length, null), strategy))
                .orElseThrow();
    }

    static void expire(UploadSession s) throws Exception {
        var stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword())) {
            c.createStatement().executeUpdate("UPDATE upload_sessions SET expires_at = now() - interval '1 minute'"
                    + " WHERE id = '" + s.id() + "'");
        }
    }

    static UploadSession reload(UploadSession s) {
        return context.getBean(UploadSessions.class).findById(s.id()).orElseThrow();
    }

    @Test
    void thePurgeRemovesExactlyTheAbandonedUploadsAndASecondRunChangesNothing() throws Exception {
        ObjectStore store = context.getBean(ObjectStore.class);
        MultipartStore multipart = context.getBean(MultipartStore.class);

        // live: open, not expired, bytes in staging — untouched
        UploadSession live = initiate("direct");
        context.getBean(SignUpload.class).execute(ALICE, live.id());
        store.put(live.uploadKey(), JPEG, "image/jpeg");
        // live multipart, a part signed — untouched
        UploadSession liveMultipart = initiate("multipart");
        context.getBean(SignUploadPart.class).execute(ALICE, liveMultipart.id(), 1);
        // completed — untouched
        UploadSession completed = initiate("direct");
        context.getBean(SignUpload.class).execute(ALICE, completed.id());
        store.put(completed.uploadKey(), JPEG, "image/jpeg");
        context.getBean(VerifyUpload.class).complete(ALICE, completed.id(), List.of()).orElseThrow();
        // expired direct session whose bytes are in staging: the upload finished, its S3 event was lost
        UploadSession uploadedButUnverified = initiate("direct");
        context.getBean(SignUpload.class).execute(ALICE, uploadedButUnverified.id());
        store.put(uploadedButUnverified.uploadKey(), JPEG, "image/jpeg");
        expire(uploadedButUnverified);
        // expired direct session, signed, nothing uploaded
        UploadSession expiredDirect = initiate("direct");
        context.getBean(SignUpload.class).execute(ALICE, expiredDirect.id());
        expire(expiredDirect);
        // expired multipart session with an open S3 multipart upload
        UploadSession expiredMultipart = initiate("resumable");
        expire(expiredMultipart);
        // three expired, never-signed sessions: more than one batch
        List<UploadSession> expiredIdle = List.of(initiate("direct"), initiate("direct"), initiate("direct"));
        for (UploadSession s : expiredIdle) {
            expire(s);
        }
        // an orphan: a multipart upload in staging/ that no session knows
        String orphanKey = "staging/" + UUID.randomUUID() + "/orphan.bin";
        String orphanId = multipart.create(orphanKey, "application/octet-stream");

        var dry = purge("{\"dryRun\": true}");
        assertTrue(dry.dryRun());
        assertEquals(6, dry.sessionsExpired(), "a dry run counts every candidate; it looks at no object");
        assertEquals(1, dry.orphanMultipartAborted());
        assertEquals(UploadState.SIGNED, reload(expiredDirect).state(), "a dry run changes nothing");
        assertEquals(1, multipart.listUploads(orphanKey, 10).size());

        var report = purge(Events.text("scheduled-purge.json"));
        assertEquals(1, report.sessionsVerified());
        assertEquals(5, report.sessionsExpired());
        assertEquals(5, report.residueSessions());
        assertEquals(5, report.assetsDeleted());
        assertEquals(1, report.multipartAborted());
        assertEquals(0, report.objectsDeleted(), "the one staged object was a finished upload, now promoted");
        assertEquals(1, report.orphanMultipartAborted());

        assertEquals(UploadState.COMPLETED, reload(uploadedButUnverified).state());
        assertEquals(AssetState.AVAILABLE, context.getBean(Assets.class)
                .findById(uploadedButUnverified.requireAssetId()).orElseThrow().state());

        for (UploadSession s : List.of(expiredDirect, expiredMultipart, expiredIdle.get(0), expiredIdle.get(2))) {
            assertEquals(UploadState.EXPIRED, reload(s).state());
            assertTrue(reload(s).assetId().isEmpty());
        }
        assertTrue(multipart.listUploads(expiredMultipart.uploadKey(), 10).isEmpty());
        assertTrue(multipart.listUploads(orphanKey, 10).isEmpty());

        assertEquals(UploadState.SIGNED, reload(live).state());
        assertTrue(store.head(live.uploadKey()).isPresent());
        assertEquals(UploadState.SIGNED, reload(liveMultipart).state());
        assertEquals(1, multipart.listUploads(liveMultipart.uploadKey(), 10).size());
        assertEquals(UploadState.COMPLETED, reload(completed).state());
        assertTrue(context.getBean(Assets.class).findById(completed.requireAssetId()).isPresent());

        var again = purge(Events.text("scheduled-purge.json"));
        assertEquals(new PurgeAbandonedUploads.Report(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), again);
    }

    @Test
    void aCancelledSessionLeavesNoResidueForThePurger() throws Exception {
        UploadSession s = initiate("multipart");
        context.getBean(CancelUpload.class).execute(ALICE, s.id()).orElseThrow();
        assertEquals(0, context.getBean(UploadSessions.class).findResidue(100).stream()
                .filter(r -> r.id().equals(s.id())).count());
    }
}
