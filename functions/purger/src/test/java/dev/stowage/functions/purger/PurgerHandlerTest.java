package dev.stowage.functions.purger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.MultipartStore.PendingUpload;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.storage.DriftScan;
import dev.stowage.domain.storage.ScanStorageDrift;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadResidue;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.DelegatingMultipartStore;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestMedia;
import dev.stowage.persistence.JdbcStateCounts;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The purger, fed the sample scheduled event, against real PostgreSQL and S3. The purger works on the
 * whole database and bucket, which may hold other tests' rows and objects (a rerun, a shared
 * {@code STOWAGE_DATABASE_URL}, {@code mvn -T}): every assertion is about what the test itself created,
 * and a count is only ever a lower bound.
 */
class PurgerHandlerTest {
    static ApplicationContext context;
    static PurgerHandler handler;
    static JsonMapper json;
    static final Principal ALICE = new Principal("alice-" + UUID.randomUUID());
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");
    static final int BATCH = 2;

    @BeforeAll
    static void start() {
        var properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("stowage.purge.batch-size", BATCH); // several batches from a small mix
        context = ApplicationContext.run(properties);       // orphan grace: the default hour
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

    static UploadSession signed(String strategy) {
        UploadSession s = initiate(strategy);
        context.getBean(SignUpload.class).execute(ALICE, s.id()).orElseThrow();
        return reload(s);
    }

    static void expire(UploadSession s) throws Exception {
        var stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var update = c.prepareStatement(
                     "UPDATE upload_sessions SET expires_at = now() - interval '1 minute' WHERE id = ?")) {
            update.setObject(1, s.id());
            assertEquals(1, update.executeUpdate());
        }
    }

    static UploadSession reload(UploadSession s) {
        return context.getBean(UploadSessions.class).findById(s.id()).orElseThrow();
    }

    static ObjectStore store() {
        return context.getBean(ObjectStore.class);
    }

    static MultipartStore multipart() {
        return context.getBean(MultipartStore.class);
    }

    static boolean assetExists(UploadSession s) {
        return context.getBean(Assets.class).findById(s.requireAssetId()).isPresent();
    }

    static List<String> uploadIdsAt(String key) {
        return multipart().listUploads(key, 10).stream().map(PendingUpload::uploadId).toList();
    }

    /** A purger built as the application builds it, with the ports, clock, batch and grace a test picks. */
    static PurgeAbandonedUploads purger(ObjectStore store, VerifyUpload verify, UploadResidue residue,
                                        MultipartStore multipart, Clock clock, Duration orphanGrace) {
        return purger(store, verify, residue, multipart, clock, orphanGrace, BATCH);
    }

    static PurgeAbandonedUploads purger(ObjectStore store, VerifyUpload verify, UploadResidue residue,
                                        MultipartStore multipart, Clock clock, Duration orphanGrace, int batch) {
        return new PurgeAbandonedUploads(context.getBean(UploadSessions.class), context.getBean(Assets.class), store,
                verify, context.getBean(PromoteAsset.class), Duration.ofMinutes(10), residue, multipart, clock, batch,
                orphanGrace, context.getBean(PurgeDetachedAssets.class),
                context.getBean(dev.stowage.domain.variant.RequeueStarvedVariants.class),
                context.getBean(dev.stowage.domain.stagedfile.PurgeStagedFiles.class),
                context.getBean(dev.stowage.domain.export.PurgeExpiredExports.class),
                context.getBean(dev.stowage.domain.streaming.ExpireProviderUploads.class),
                context.getBean(dev.stowage.domain.event.PruneOutbox.class),
                context.getBean(ScanStorageDrift.class));
    }

    @Test
    void thePurgeRemovesTheAbandonedUploadsKeepsTheRestAndASecondRunChangesNothingOfThem() throws Exception {
        // live: open, not expired, bytes in staging — untouched
        UploadSession live = signed("direct");
        store().put(live.uploadKey(), JPEG, "image/jpeg");
        // live multipart, a part signed — untouched
        UploadSession liveMultipart = initiate("multipart");
        context.getBean(SignUploadPart.class).execute(ALICE, liveMultipart.id(), 1).orElseThrow();
        // completed — untouched
        UploadSession completed = signed("direct");
        store().put(completed.uploadKey(), JPEG, "image/jpeg");
        context.getBean(VerifyUpload.class).complete(ALICE, completed.id(), List.of()).orElseThrow();
        // expired direct session whose bytes are in staging: the upload finished, its S3 event was lost
        UploadSession uploadedButUnverified = signed("direct");
        store().put(uploadedButUnverified.uploadKey(), JPEG, "image/jpeg");
        expire(uploadedButUnverified);
        // expired direct session, signed, nothing uploaded
        UploadSession expiredDirect = signed("direct");
        expire(expiredDirect);
        // expired multipart session with an open S3 multipart upload
        UploadSession expiredMultipart = initiate("resumable");
        String expiredUploadId = expiredMultipart.multipartUploadId().orElseThrow();
        expire(expiredMultipart);
        // three expired, never-signed sessions: more than one batch
        List<UploadSession> expiredIdle = List.of(initiate("direct"), initiate("direct"), initiate("direct"));
        for (UploadSession s : expiredIdle) {
            expire(s);
        }
        // an unknown multipart upload seconds old: within the configured grace (an hour), so not an orphan yet
        String youngKey = "staging/" + UUID.randomUUID() + "/young.bin";
        String youngId = multipart().create(youngKey, "application/octet-stream");
        List<UploadSession> toExpire = new ArrayList<>(List.of(expiredDirect, expiredMultipart));
        toExpire.addAll(expiredIdle);

        var dry = purge("{\"dryRun\": true}");
        assertTrue(dry.dryRun());
        assertTrue(dry.sessionsExpired() >= 6, "a dry run counts every candidate, ours among them: " + dry);
        for (UploadSession s : toExpire) {
            assertEquals(reload(s).state(), s.state(), "a dry run changes no session");
            assertTrue(assetExists(s), "a dry run deletes no asset");
        }
        assertEquals(UploadState.SIGNED, reload(uploadedButUnverified).state(), "a dry run verifies nothing");
        assertEquals(List.of(expiredUploadId), uploadIdsAt(expiredMultipart.uploadKey()), "a dry run aborts nothing");

        var report = purge(Events.text("scheduled-purge.json"));
        assertFalse(report.dryRun());
        assertTrue(report.sessionsVerified() >= 1, report.toString());
        assertTrue(report.sessionsExpired() >= 5, report.toString());
        assertTrue(report.residueSessions() >= 5, report.toString());
        assertTrue(report.assetsDeleted() >= 5, report.toString());
        assertTrue(report.multipartAborted() >= 1, report.toString());

        assertEquals(UploadState.COMPLETED, reload(uploadedButUnverified).state(),
                "a finished upload whose event was lost is verified, not deleted as abandoned");
        assertEquals(AssetState.PROCESSING, context.getBean(Assets.class)
                .findById(uploadedButUnverified.requireAssetId()).orElseThrow().state());
        for (UploadSession s : toExpire) {
            assertEquals(UploadState.EXPIRED, reload(s).state(), s.id().toString());
            assertTrue(reload(s).assetId().isEmpty(), "the staged asset went with the residue: " + s.id());
            assertFalse(assetExists(s), s.id().toString());
        }
        assertEquals(List.of(), uploadIdsAt(expiredMultipart.uploadKey()), "the expired session's upload is aborted");
        assertEquals(List.of(youngId), uploadIdsAt(youngKey), "an unknown upload younger than the grace is kept");

        assertEquals(UploadState.SIGNED, reload(live).state());
        assertTrue(store().head(live.uploadKey()).isPresent());
        assertTrue(assetExists(live));
        assertEquals(UploadState.SIGNED, reload(liveMultipart).state());
        assertEquals(List.of(liveMultipart.multipartUploadId().orElseThrow()), uploadIdsAt(liveMultipart.uploadKey()));
        assertEquals(UploadState.COMPLETED, reload(completed).state());
        assertTrue(assetExists(completed));

        // A run also folds the state-count log (V14): a change logged before it is in the totals after it.
        String marker = "fold-marker-" + UUID.randomUUID();
        sql("INSERT INTO state_count_changes VALUES ('asset', ?, 'ready', 0)", marker);
        purge(Events.text("scheduled-purge.json"));
        sql("DELETE FROM state_counts WHERE profile = ?", marker);
        assertEquals(List.of(), context.getBean(JdbcStateCounts.class).differences(),
                "the kept counts by state are the tables' after the purge's deletes");
        for (UploadSession s : toExpire) {
            assertEquals(UploadState.EXPIRED, reload(s).state());
        }
        assertEquals(UploadState.COMPLETED, reload(uploadedButUnverified).state());
        assertEquals(UploadState.SIGNED, reload(live).state());
        assertTrue(store().head(live.uploadKey()).isPresent());
        assertEquals(UploadState.SIGNED, reload(liveMultipart).state());
        assertEquals(List.of(liveMultipart.multipartUploadId().orElseThrow()), uploadIdsAt(liveMultipart.uploadKey()));
        assertTrue(assetExists(completed));
        assertEquals(List.of(youngId), uploadIdsAt(youngKey));
        multipart().abort(youngKey, youngId);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunWritesItsCountsAndTheOperatorReportsGaugesAsEmfLines() throws Exception {
        java.io.PrintStream original = System.out;
        var captured = new ByteArrayOutputStream();
        PurgeAbandonedUploads.Report report;
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            report = purge("{}");
        } finally {
            System.setOut(original);
        }
        List<java.util.Map<String, Object>> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"_aws\"")).toList()) {
            lines.add(json.readValue(line, java.util.Map.class));
        }
        assertEquals(List.of("purger", "ops-report"), lines.stream().map(l -> l.get("Source")).toList());
        assertEquals(report.sessionsExpired(), ((Number) lines.getFirst().get("sessionsExpired")).intValue());
        assertEquals(report.exportsDeleted(), ((Number) lines.getFirst().get("exportsDeleted")).intValue());
        assertEquals(report.outboxEventsPruned(), ((Number) lines.getFirst().get("outboxEventsPruned")).intValue());
        assertEquals(report.providerUploadsReconciled(),
                ((Number) lines.getFirst().get("providerUploadsReconciled")).intValue());
        assertEquals("all", lines.get(1).get("Profile"));
        assertTrue(lines.get(1).get("uploads.stuck") instanceof Number, "the report's stuck gauge: " + lines.get(1));
    }

    @Test
    void anUnknownUploadIsAbortedOnlyOnceOlderThanTheGraceAndAKnownOneNever() {
        Duration grace = Duration.ofMinutes(1);
        String orphanKey = "staging/" + UUID.randomUUID() + "/orphan.bin";
        String orphanId = multipart().create(orphanKey, "application/octet-stream");
        UploadSession known = initiate("multipart");
        String knownId = known.multipartUploadId().orElseThrow();
        // The purger sees only these two uploads, so its orphan count is exactly theirs, and a purger whose
        // clock runs ahead aborts nothing of anybody else's.
        MultipartStore ours = new DelegatingMultipartStore(multipart()) {
            @Override
            public List<PendingUpload> listUploads(String prefix, int limit) {
                return List.of(orphanKey, known.uploadKey()).stream()
                        .filter(k -> k.startsWith(prefix))
                        .flatMap(k -> super.listUploads(k, limit).stream())
                        .toList();
            }
        };
        // Ages are measured on storage's own clock: the purger's clock is set from the upload's initiation time
        // as storage reports it, so no comparison between the S3 server's clock and this JVM's is involved.
        Instant initiated = ours.listUploads("staging/", 10).stream()
                .filter(u -> u.uploadId().equals(orphanId)).findFirst().orElseThrow().initiated();
        VerifyUpload verify = context.getBean(VerifyUpload.class);
        UploadResidue residue = context.getBean(UploadResidue.class);

        var young = purger(store(), verify, residue, ours, at(initiated.plus(grace).minusSeconds(1)), grace).run(false);

        assertEquals(0, young.orphanMultipartAborted(), "a second short of the grace: " + young);
        assertEquals(List.of(orphanId), uploadIdsAt(orphanKey));

        var old = purger(store(), verify, residue, ours, at(initiated.plus(grace).plusSeconds(1)), grace).run(false);

        assertEquals(1, old.orphanMultipartAborted(), "a second past the grace: " + old);
        assertEquals(List.of(), uploadIdsAt(orphanKey));
        assertEquals(List.of(knownId), uploadIdsAt(known.uploadKey()), "a session's own upload is no orphan");
        assertEquals(UploadState.INITIALIZED, reload(known).state());
    }

    @Test
    void aCopyInPartsLeftOpenUnderAssetsIsAbortedOnlyOnceOlderThanTheLease() {
        // What a promotion that died mid-copy leaves: an upload at the original's key that nobody will finish.
        String originalKey = "assets/" + UUID.randomUUID() + "/original";
        String uploadId = multipart().create(originalKey, "video/mp4");
        MultipartStore ours = new DelegatingMultipartStore(multipart()) {
            @Override
            public List<PendingUpload> listUploads(String prefix, int limit) {
                return originalKey.startsWith(prefix) ? super.listUploads(originalKey, limit) : List.of();
            }
        };
        Instant initiated = ours.listUploads("assets/", 10).getFirst().initiated();
        Duration lease = Duration.ofMinutes(10); // what purger(...) passes; a copy outlives its function by none
        Duration grace = Duration.ofMinutes(1);
        VerifyUpload verify = context.getBean(VerifyUpload.class);
        UploadResidue residue = context.getBean(UploadResidue.class);

        var live = purger(store(), verify, residue, ours, at(initiated.plus(lease).minusSeconds(1)), grace).run(false);

        assertEquals(0, live.orphanMultipartAborted(), "past the grace but inside a lease, the copy may be running");
        assertEquals(List.of(uploadId), uploadIdsAt(originalKey));

        var dry = purger(store(), verify, residue, ours, at(initiated.plus(lease).plusSeconds(1)), grace).run(true);
        assertEquals(1, dry.orphanMultipartAborted(), "a dry run counts it: " + dry);
        assertEquals(List.of(uploadId), uploadIdsAt(originalKey), "and leaves it");

        var dead = purger(store(), verify, residue, ours, at(initiated.plus(lease).plusSeconds(1)), grace).run(false);

        assertEquals(1, dead.orphanMultipartAborted(), "a second past the lease: " + dead);
        assertEquals(List.of(), uploadIdsAt(originalKey));
    }

    @Test
    void aResidueBatchStorageFailsForEndsTheStepAndTheResidueWaitsForTheNextRun() throws Exception {
        List<UploadSession> ours = new ArrayList<>();
        for (int i = 0; i < 2 * BATCH + 1; i++) {
            ours.add(initiate("multipart"));
        }
        for (UploadSession s : ours) {
            expire(s);
        }
        // Storage refuses every residue clean-up: each abort, and the listing of a batch's objects (its one call
        // when no session of the batch has an upload), fails. The expiry step meets ours first (it cleans what it
        // expires at once) and leaves them residue; then the residue step, whose calls are counted from its first
        // read of residue on. A purger that went on through batch after batch cleaning nothing would make a call per
        // upload of the whole backlog (ours alone are more than two batches); the hundredth call stops it.
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean residueStep = new java.util.concurrent.atomic.AtomicBoolean();
        UploadSessions real = context.getBean(UploadSessions.class);
        UploadSessions watched = (UploadSessions) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {UploadSessions.class}, (proxy, method, args) -> {
                    if (method.getName().equals("findResidue")) {
                        residueStep.set(true);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Runnable refuse = () -> {
            if (residueStep.get() && calls.incrementAndGet() > 100) {
                throw new AssertionError("the purger keeps retrying a residue batch that storage refuses");
            }
            throw new IllegalStateException("storage is down");
        };
        ObjectStore failingStore = new DelegatingObjectStore(store()) {
            @Override
            public java.util.Set<String> existing(java.util.Collection<String> keys) {
                refuse.run();
                return java.util.Set.of();
            }

            @Override
            public Deletion deleteAll(java.util.Collection<String> keys) {
                refuse.run();
                return Deletion.NOTHING;
            }
        };
        MultipartStore failingMultipart = new DelegatingMultipartStore(multipart()) {
            @Override
            public void abort(String key, String uploadId) {
                refuse.run();
            }
        };
        Assets assets = context.getBean(Assets.class);
        var residue = new UploadResidue(assets, failingStore, failingMultipart);

        var report = new PurgeAbandonedUploads(watched, assets, store(), context.getBean(VerifyUpload.class),
                context.getBean(PromoteAsset.class), Duration.ofMinutes(10), residue, new ListingNothing(multipart()),
                Clock.systemUTC(), BATCH, Duration.ofHours(1), context.getBean(PurgeDetachedAssets.class),
                context.getBean(dev.stowage.domain.variant.RequeueStarvedVariants.class),
                context.getBean(dev.stowage.domain.stagedfile.PurgeStagedFiles.class),
                context.getBean(dev.stowage.domain.export.PurgeExpiredExports.class),
                context.getBean(dev.stowage.domain.streaming.ExpireProviderUploads.class),
                context.getBean(dev.stowage.domain.event.PruneOutbox.class),
                context.getBean(ScanStorageDrift.class)).run(false);

        // The batch in hand and the one whose storage work had started beside it: per batch an abort per session
        // with an upload, or one listing when none has one.
        assertTrue(calls.get() >= 1 && calls.get() <= 2 * BATCH, "one batch failed, then the step ended: " + calls);
        assertEquals(0, report.residueSessions(), report.toString());
        assertEquals(0, report.assetsDeleted(), report.toString());
        assertEquals(0, report.multipartAborted(), report.toString());
        for (UploadSession s : ours) {
            UploadSession now = reload(s);
            assertEquals(UploadState.EXPIRED, now.state(), "the expiry itself needs no storage");
            assertTrue(now.assetId().isPresent(), "the residue remains: " + s.id());
            assertEquals(List.of(s.multipartUploadId().orElseThrow()), uploadIdsAt(s.uploadKey()));
        }

        purge(Events.text("scheduled-purge.json"));

        for (UploadSession s : ours) {
            assertTrue(reload(s).assetId().isEmpty(), "the next run cleaned it: " + s.id());
            assertEquals(List.of(), uploadIdsAt(s.uploadKey()));
        }
    }

    @Test
    void aStorageFailureWhileVerifyingAnExpiredSessionLeavesItForTheNextRun() throws Exception {
        UploadSession finished = signed("direct");
        store().put(finished.uploadKey(), JPEG, "image/jpeg");
        expire(finished);
        ObjectStore failingForIt = new DelegatingObjectStore(store()) {
            @Override
            public Optional<ObjectInfo> head(String key) {
                if (key.equals(finished.uploadKey())) {
                    throw new IllegalStateException("storage is down");
                }
                return super.head(key);
            }
        };
        VerifyUpload lane = TestLane.of(context).storage(failingForIt).verify();

        purger(store(), lane, context.getBean(UploadResidue.class), new ListingNothing(multipart()), Clock.systemUTC(),
                Duration.ofHours(1)).run(false);

        UploadSession after = reload(finished);
        assertEquals(UploadState.SIGNED, after.state(), "neither expired nor claimed");
        assertEquals(AssetState.STAGED, context.getBean(Assets.class)
                .findById(finished.requireAssetId()).orElseThrow().state());
        assertTrue(store().head(finished.uploadKey()).isPresent(), "the uploaded bytes are kept");

        purge(Events.text("scheduled-purge.json"));

        assertEquals(UploadState.COMPLETED, reload(finished).state());
        assertEquals(AssetState.PROCESSING, context.getBean(Assets.class)
                .findById(finished.requireAssetId()).orElseThrow().state());
    }

    @Test
    void aStorageFailureWhileLookingForOneBatchsUploadsLeavesItForTheNextRunAndTheRunGoesOn() throws Exception {
        UploadSession idle = signed("direct");
        expire(idle);
        UploadSession other = signed("direct");
        expire(other);
        ObjectStore failingForIt = new DelegatingObjectStore(store()) {
            @Override
            public java.util.Set<String> existing(java.util.Collection<String> keys) {
                if (keys.contains(idle.uploadKey())) {
                    throw new IllegalStateException("storage is down");
                }
                return super.existing(keys);
            }
        };

        // Not knowing whether the bytes are there, the purger must not expire the session (and delete them);
        // a batch storage cannot answer for must not hold back the others either. One session per batch here.
        purger(failingForIt, context.getBean(VerifyUpload.class), context.getBean(UploadResidue.class),
                new ListingNothing(multipart()), Clock.systemUTC(), Duration.ofHours(1), 1).run(false);
        assertEquals(UploadState.SIGNED, reload(idle).state());
        assertTrue(assetExists(idle));
        assertEquals(UploadState.EXPIRED, reload(other).state());

        purge(Events.text("scheduled-purge.json"));

        assertEquals(UploadState.EXPIRED, reload(idle).state());
        assertTrue(reload(idle).assetId().isEmpty());
    }

    @Test
    void aCancelledSessionIsCleanedAtOnceSoThePurgerFindsNothingOfItToRemove() throws Exception {
        UploadSession s = initiate("multipart");
        context.getBean(CancelUpload.class).execute(ALICE, s.id()).orElseThrow();

        UploadSession cancelled = reload(s);
        assertEquals(UploadState.ABORTED, cancelled.state());
        assertTrue(cancelled.assetId().isEmpty(), "cancel removed the staged asset itself");
        assertFalse(assetExists(s));
        assertEquals(List.of(), uploadIdsAt(s.uploadKey()), "cancel aborted the multipart upload itself");

        // A purge after it touches nothing of the session's.
        List<String> touched = new CopyOnWriteArrayList<>();
        ObjectStore watchedStore = new DelegatingObjectStore(store()) {
            @Override
            public Optional<ObjectInfo> head(String key) {
                touched.add(key);
                return super.head(key);
            }

            @Override
            public void delete(String key) {
                touched.add(key);
                super.delete(key);
            }

            @Override
            public java.util.Set<String> existing(java.util.Collection<String> keys) {
                touched.addAll(keys);
                return super.existing(keys);
            }

            @Override
            public Deletion deleteAll(java.util.Collection<String> keys) {
                touched.addAll(keys);
                return super.deleteAll(keys);
            }
        };
        MultipartStore watchedMultipart = new DelegatingMultipartStore(multipart()) {
            @Override
            public void abort(String key, String uploadId) {
                touched.add(key);
                super.abort(key, uploadId);
            }
        };
        purger(watchedStore, context.getBean(VerifyUpload.class),
                new UploadResidue(context.getBean(Assets.class), watchedStore, watchedMultipart),
                new ListingNothing(watchedMultipart), Clock.systemUTC(), Duration.ofHours(1)).run(false);

        assertFalse(touched.contains(s.uploadKey()), "the purger found residue of a cancelled session: " + touched);
        assertEquals(UploadState.ABORTED, reload(s).state());
    }

    /** Inserts a ready image asset (its original at {@code assets/<id>/original}) for ALICE. */
    static String readyAsset(UUID id) throws Exception {
        String key = "assets/" + id + "/original";
        sql("INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key,"
                + " storage_key, content_type, kind, width, height) VALUES (?::uuid, ?, 'image', 'ready', 'p.jpg',"
                + " 'image/jpeg', 100, ?, ?, 'image/jpeg', 'image', 640, 480)", id.toString(), ALICE.id(),
                "staging/" + id + "/p.jpg", key);
        return key;
    }

    static String readyVariant(UUID asset, String name) throws Exception {
        String key = "variants/" + asset + "/" + name + "-d1.jpg";
        sql("INSERT INTO variants (id, asset_id, name, state, recipe_digest, storage_key, content_type, byte_size,"
                + " width, height) VALUES (gen_random_uuid(), ?::uuid, ?, 'ready', 'd1', ?, 'image/jpeg', 10, 200,"
                + " 150)", asset.toString(), name, key);
        return key;
    }

    /** An outbox event of a made-up asset, published {@code publishedAgo} ago (null: not yet published). */
    static String outboxEvent(String occurredAgo, String publishedAgo) throws Exception {
        String id = UUID.randomUUID().toString();
        sql("INSERT INTO outbox_events (event_id, type, principal_digest, subject_id, occurred_at, published_at)"
                + " VALUES (?::uuid, 'asset.ready', principal_digest(?), gen_random_uuid(), now() - ?::interval,"
                + " now() - ?::interval)", id, ALICE.id(), occurredAgo, publishedAgo);
        return id;
    }

    static List<String> outboxEventsAmong(List<String> ids) throws Exception {
        var stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var s = c.prepareStatement("SELECT event_id::text FROM outbox_events WHERE event_id::text = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            List<String> found = new ArrayList<>();
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getString(1));
                }
            }
            return found;
        }
    }

    @Test
    void publishedOutboxEventsPastTheRetentionAreDeletedInBatchesAndUnpublishedOnesNever() throws Exception {
        List<String> old = new ArrayList<>();
        for (int i = 0; i < 2 * BATCH + 1; i++) { // several batches
            old.add(outboxEvent("9 days", "8 days"));
        }
        String recent = outboxEvent("9 days", "6 days");       // published within the retention
        String unpublished = outboxEvent("30 days", null);     // the relay still owes it to the bus
        List<String> all = new ArrayList<>(old);
        all.add(recent);
        all.add(unpublished);

        var dry = purge("{\"dryRun\": true}");
        assertEquals(0, dry.outboxEventsPruned());
        assertEquals(all.size(), outboxEventsAmong(all).size(), "a dry run deletes nothing");

        var report = purge("{}");

        assertTrue(report.outboxEventsPruned() >= old.size(), report.toString());
        assertEquals(java.util.Set.of(recent, unpublished), java.util.Set.copyOf(outboxEventsAmong(all)));
        purge("{}");
        assertEquals(java.util.Set.of(recent, unpublished), java.util.Set.copyOf(outboxEventsAmong(all)),
                "a second run keeps them too");
    }

    static void sql(String statement, String... params) throws Exception {
        var stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var s = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            assertEquals(1, s.executeUpdate());
        }
    }

    @Test
    void theStorageDriftScanResumesAcrossBoundedRunsFindsExactlyTheSeededDriftAndMarksLostVariantsMissing()
            throws Exception {
        UUID live = UUID.randomUUID();       // ready, its original and thumb stored, medium's object lost
        UUID lost = UUID.randomUUID();       // ready, its original lost
        UUID gone = UUID.randomUUID();       // no row at all: a purge that died between row and objects
        byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
        store().put(readyAsset(live), bytes, "image/jpeg");
        store().put(readyVariant(live, "thumb"), bytes, "image/jpeg");
        String lostVariant = readyVariant(live, "medium");
        String oldRecipe = "variants/" + live + "/thumb-d0.jpg"; // no row names it, but its asset lives
        store().put(oldRecipe, bytes, "image/jpeg");
        String lostOriginal = readyAsset(lost);
        String goneOriginal = "assets/" + gone + "/original";
        String goneVariant = "variants/" + gone + "/thumb-d1.jpg";
        store().put(goneOriginal, bytes, "image/jpeg");
        store().put(goneVariant, bytes, "image/jpeg");

        // Two hours on, everything seeded is older than the hour's margin. Each run is a new instance: what
        // carries the scan from run to run is the database. The pass in progress may have started before the
        // seeding, so the runs go on until the pass after it has completed too.
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        List<String> seeded = List.of(live.toString(), lost.toString(), gone.toString());
        var found = new java.util.TreeSet<String>();
        int runs = 0;
        int passes = 0;
        while (passes < 2) {
            assertTrue(++runs < 5_000, "the scan never completed a pass");
            var scan = new ScanStorageDrift(context.getBean(StorageDrift.class), store(), later,
                    Duration.ofHours(1), 3, 3);
            var report = scan.run();
            assertTrue(report.keysListed() <= 3 && report.rowsRead() <= 3, "bounded: " + report);
            passes += report.passCompleted() ? 1 : 0;
            report.findings().stream().filter(f -> seeded.stream().anyMatch(f.key()::contains))
                    .forEach(f -> found.add(f.kind() + " " + f.key()));
        }
        assertTrue(runs > 2, "several bounded runs, resumed from the saved cursor");
        assertEquals(new java.util.TreeSet<>(List.of(
                "MISSING_ASSET_OBJECT " + lostOriginal,
                "ORPHAN_DELETED " + goneOriginal,
                "ORPHAN_DELETED " + goneVariant,
                "ORPHAN_KEPT " + oldRecipe,
                "VARIANT_MARKED_MISSING " + lostVariant)), found);
        assertTrue(store().head(goneOriginal).isEmpty() && store().head(goneVariant).isEmpty());
        assertTrue(store().head(oldRecipe).isPresent(), "an object of a living asset is only reported");

        // Each step's row query is a range of V11's "C" index, not a scan of the table.
        var plans = context.getBean(dev.stowage.persistence.JdbcStorageDrift.class).plans("variants/" + live, 3);
        assertTrue(plans.get(DriftScan.Prefix.ASSETS).contains("assets_storage_key_c_idx"), plans.toString());
        assertTrue(plans.get(DriftScan.Prefix.VARIANTS).contains("variants_storage_key_c_idx"), plans.toString());
        assertTrue(plans.values().stream().allMatch(p -> p.contains("Index Cond") && !p.contains("Sort")),
                plans.toString());

        var last = context.getBean(StorageDrift.class).load().last().orElseThrow();
        assertTrue(last.tally().orphanObjects() >= 1 && last.tally().missingObjects() >= 1, last.toString());
        var variants = context.getBean(dev.stowage.domain.port.Variants.class).ofAsset(live);
        assertEquals(dev.stowage.domain.variant.VariantState.MISSING, variants.stream()
                .filter(v -> v.name().equals("medium")).findFirst().orElseThrow().state());
        var requeued = context.getBean(dev.stowage.domain.variant.RequeueVariants.class)
                .execute(ALICE, live, Optional.of(List.of("medium"))).orElseThrow(); // thumb: a seeded recipe, stale
        assertEquals(List.of("medium"), requeued.enqueued(), "a requeue renders the missing variant again");

        // The scheduled purge runs a step of the scan too, and its report (and EMF line) carries the counts.
        var report = purge(Events.text("scheduled-purge.json"));
        assertTrue(report.driftKeysScanned() >= 1, report.toString());
        assertTrue(dev.stowage.domain.upload.ScheduledPurge.counts(report).keySet().containsAll(List.of("driftKeysScanned",
                "orphanObjectsFound", "orphanObjectsDeleted", "missingAssetObjects", "variantsMarkedMissing")));
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** Multipart storage whose orphan listing is empty, for runs that must leave other tests' uploads alone. */
    static final class ListingNothing extends DelegatingMultipartStore {
        ListingNothing(MultipartStore delegate) {
            super(delegate);
        }

        @Override
        public List<PendingUpload> listUploads(String prefix, int limit) {
            return List.of();
        }
    }
}
