package dev.stowage.functions.purger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.export.Export;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.export.PurgeExpiredExports;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.storage.ScanStorageDrift;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadResidue;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.DelegatingMultipartStore;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The purge of expired sessions in batches (one listing, one compare-and-set, one batch delete and one row delete
 * per batch), each test on a database and a bucket of its own on the test kit's servers, so the report can be
 * asserted exactly: every count is what the run did to the rows and objects the test made, and nothing else.
 */
class PurgeInBatchesTest {
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");
    static final int BATCH = 3;
    /** Detached assets at once; never-attached ones (every other test's) long after these tests end. */
    static final UnreferencedGraces DETACHED_ONLY = new UnreferencedGraces(Duration.ZERO, Duration.ofDays(1));

    final Principal owner = new Principal("purge-" + UUID.randomUUID());
    ApplicationContext context;
    TestStack.Isolated servers;

    @BeforeEach
    void start() {
        servers = TestStack.get().isolated();
        var properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("datasources.default.url", servers.postgres().jdbcUrl());
        properties.put("datasources.default.username", servers.postgres().username());
        properties.put("datasources.default.password", servers.postgres().password());
        properties.put("stowage.storage.endpoint", servers.s3().endpoint().toString());
        properties.put("stowage.storage.bucket", servers.s3().bucket());
        properties.put("stowage.purge.batch-size", BATCH);
        context = ApplicationContext.run(properties);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    /** A process dying on the spot: no handler of the purger's catches an Error. */
    static final class Crash extends Error {
        Crash() {
            super("the process died here");
        }
    }

    @Test
    void theReportCountsExactlyWhatTheRunDidAcrossSeveralBatchesAndAKeyStorageFailedIsCountedWhenItGoes()
            throws Exception {
        List<UploadSession> abandoned = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            abandoned.add(expired(signed("direct")));            // nothing uploaded
        }
        for (int i = 0; i < 2; i++) {
            abandoned.add(expired(initiate("multipart")));       // an upload opened, never completed
        }
        UploadSession finished = expired(signed("direct"));      // uploaded; its S3 event was lost
        store().put(finished.uploadKey(), JPEG, "image/jpeg");
        List<UploadSession> withBytes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            withBytes.add(endedWithBytes(signed("direct"), "expired"));
        }
        UploadSession refused = endedWithBytes(signed("direct"), "failed"); // storage refuses its object, once
        UploadSession live = signed("direct");
        store().put(live.uploadKey(), JPEG, "image/jpeg");
        AtomicBoolean refuseOnce = new AtomicBoolean(true);
        ObjectStore refusing = new DelegatingObjectStore(store()) {
            @Override
            public Deletion deleteAll(Collection<String> keys) {
                if (!keys.contains(refused.uploadKey()) || !refuseOnce.getAndSet(false)) {
                    return super.deleteAll(keys);
                }
                List<String> others = keys.stream().filter(k -> !k.equals(refused.uploadKey())).toList();
                Deletion done = super.deleteAll(others);
                Map<String, String> failed = new HashMap<>(done.failed());
                failed.put(refused.uploadKey(), "AccessDenied: Access Denied");
                return new Deletion(done.deleted(), failed);
            }
        };

        var first = purger(refusing, multipart()).run(false);

        // 6 abandoned expire; with the 3 + 1 ended before they are 10 residue sessions, of which the refused one
        // keeps its asset: 9 assets, 2 uploads, the 3 objects storage removed (not the refused one).
        assertEquals(List.of(0, 1, 6, 9, 2, 3, 9, 0, 0), uploadCounts(first), first.toString());
        assertEquals(UploadState.COMPLETED, reload(finished).state(), "verified, not purged");
        for (UploadSession s : abandoned) {
            assertEquals(UploadState.EXPIRED, reload(s).state());
            assertFalse(assetExists(s));
        }
        for (UploadSession s : withBytes) {
            assertTrue(store().head(s.uploadKey()).isEmpty());
            assertFalse(assetExists(s));
        }
        assertTrue(store().head(refused.uploadKey()).isPresent(), "refused: still there");
        assertTrue(assetExists(refused), "its row stays for the next run");
        assertEquals(List.of(), multipart().listUploads("staging/", 100), "both uploads aborted");
        assertEquals(UploadState.SIGNED, reload(live).state());
        assertTrue(store().head(live.uploadKey()).isPresent() && assetExists(live));

        var second = purger(refusing, multipart()).run(false);

        assertEquals(List.of(0, 0, 0, 1, 0, 1, 1, 0, 0), uploadCounts(second), second.toString());
        assertTrue(store().head(refused.uploadKey()).isEmpty());
        assertFalse(assetExists(refused));

        var third = purger(store(), multipart()).run(false);

        assertEquals(List.of(0, 0, 0, 0, 0, 0, 0, 0, 0), uploadCounts(third), third.toString());
        assertEquals(UploadState.SIGNED, reload(live).state());
        assertTrue(assetExists(live));
    }

    @Test
    void aRunThatDiesAfterItsSqlAndBeforeItsDeletesIsFinishedByTheNextAndEachRunCountsItsOwnWork() {
        List<UploadSession> multipartOnes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            multipartOnes.add(expired(initiate("multipart")));
        }
        List<UploadSession> withBytes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            withBytes.add(endedWithBytes(signed("direct"), "aborted"));
        }
        // Dies at the first storage change after the expiry's SQL: every abort and every delete is still to do.
        MultipartStore dying = new DelegatingMultipartStore(multipart()) {
            @Override
            public void abort(String key, String uploadId) {
                throw new Crash();
            }
        };
        ObjectStore dyingStore = new DelegatingObjectStore(store()) {
            @Override
            public Deletion deleteAll(Collection<String> keys) {
                throw new Crash();
            }
        };

        assertThrows(Crash.class, () -> purger(dyingStore, dying).run(false));

        // It died cleaning the first batch it expired: those are expired with everything still theirs (residue),
        // the batches after it were never reached.
        List<UploadSession> expiredByIt = multipartOnes.stream()
                .filter(s -> reload(s).state() == UploadState.EXPIRED).toList();
        assertTrue(!expiredByIt.isEmpty(), "the SQL ran");
        for (UploadSession s : multipartOnes) {
            assertTrue(reload(s).assetId().isPresent() && assetExists(s), "residue the next run recognises");
            assertEquals(1, multipart().listUploads(s.uploadKey(), 10).size(), "its upload is still open");
            assertTrue(expiredByIt.contains(s) || reload(s).state() == UploadState.INITIALIZED);
        }
        for (UploadSession s : withBytes) {
            assertTrue(store().head(s.uploadKey()).isPresent() && assetExists(s));
        }

        var next = purger(store(), multipart()).run(false);

        int stillOpen = multipartOnes.size() - expiredByIt.size();
        assertEquals(List.of(0, 0, stillOpen, 8, 4, 4, 8, 0, 0), uploadCounts(next), next.toString());
        for (UploadSession s : multipartOnes) {
            assertFalse(assetExists(s));
            assertEquals(List.of(), multipart().listUploads(s.uploadKey(), 10));
        }
        for (UploadSession s : withBytes) {
            assertTrue(store().head(s.uploadKey()).isEmpty());
            assertFalse(assetExists(s));
        }
    }

    @Test
    void aRunThatDiesAfterItsBatchDeleteAndBeforeTheRowsLeavesRowsTheNextRunRemovesWithoutCountingObjectsTwice() {
        List<UploadSession> withBytes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            withBytes.add(endedWithBytes(signed("direct"), "expired"));
        }
        ObjectStore dyingAfterDelete = new DelegatingObjectStore(store()) {
            @Override
            public Deletion deleteAll(Collection<String> keys) {
                super.deleteAll(keys);
                throw new Crash();
            }
        };

        assertThrows(Crash.class, () -> purger(dyingAfterDelete, multipart()).run(false));

        // The first batch's objects went before it died (and the next batch's, if storage had started on it).
        int gone = (int) withBytes.stream().filter(s -> store().head(s.uploadKey()).isEmpty()).count();
        assertTrue(gone >= BATCH, gone + " objects gone");
        assertTrue(withBytes.stream().allMatch(this::assetExists), "no row went");

        var next = purger(store(), multipart()).run(false);

        // The objects the dead run removed are not there to count; their rows go now.
        assertEquals(List.of(0, 0, 0, 5, 0, 5 - gone, 5, 0, 0), uploadCounts(next), next.toString());
        assertTrue(withBytes.stream().noneMatch(this::assetExists));
        assertTrue(withBytes.stream().allMatch(s -> store().head(s.uploadKey()).isEmpty()));
    }

    @Test
    void aCompleteThatClaimsASessionBetweenThePurgesListingAndItsExpiryWinsAndTheExpiryLeavesItAlone() {
        raceBetweenListingAndExpiry(s -> context.getBean(VerifyUpload.class).complete(owner, s.id(), List.of())
                instanceof Result.Ok<?>);
    }

    @Test
    void anS3EventThatClaimsASessionBetweenThePurgesListingAndItsExpiryWinsAndTheExpiryLeavesItAlone() {
        raceBetweenListingAndExpiry(s -> context.getBean(VerifyUpload.class).objectCreated(s.uploadKey())
                == VerifyUpload.EventOutcome.VERIFIED);
    }

    /** The client's bytes land, and {@code claim} verifies them, just after the purge listed the batch as empty. */
    void raceBetweenListingAndExpiry(Function<UploadSession, Boolean> claim) {
        UploadSession racing = expired(signed("direct"));
        UploadSession idle = expired(signed("direct"));
        AtomicBoolean once = new AtomicBoolean(true);
        ObjectStore racingStore = new DelegatingObjectStore(store()) {
            @Override
            public Set<String> existing(Collection<String> keys) {
                Set<String> listed = super.existing(keys);
                if (keys.contains(racing.uploadKey()) && once.getAndSet(false)) {
                    assertFalse(listed.contains(racing.uploadKey()));
                    store().put(racing.uploadKey(), JPEG, "image/jpeg");
                    assertTrue(claim.apply(racing), "the claim verified the upload");
                }
                return listed;
            }
        };

        var report = purger(racingStore, multipart()).run(false);

        assertFalse(once.get(), "the race ran");
        assertEquals(1, report.sessionsExpired(), "only the idle one: " + report);
        assertEquals(UploadState.COMPLETED, reload(racing).state());
        assertEquals(AssetState.PROCESSING, context.getBean(Assets.class)
                .findById(racing.requireAssetId()).orElseThrow().state(), "promoted, never purged");
        assertEquals(UploadState.EXPIRED, reload(idle).state());
        assertFalse(assetExists(idle));
    }

    @Test
    void deletedAssetsGoWithTheirObjectsInOneBatchDeleteAndOneStorageRefusedKeepsItsRowForTheNextRun() {
        List<UUID> deleted = new ArrayList<>();
        for (int i = 0; i < BATCH + 2; i++) {
            UUID id = UUID.randomUUID();
            sql("INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key,"
                    + " storage_key, content_type, kind) VALUES (?::uuid, 'purge', 'image', 'deleted', 'p.jpg',"
                    + " 'image/jpeg', 10, 'staging/' || gen_random_uuid() || '/p.jpg', 'assets/' || ?::uuid"
                    + " || '/original', 'image/jpeg', 'image')", id, id);
            sql("INSERT INTO variants (id, asset_id, name, state, recipe_digest, storage_key, content_type)"
                    + " VALUES (gen_random_uuid(), ?::uuid, 'thumb', 'ready', 'd1', 'variants/' || ?::uuid"
                    + " || '/thumb-d1.jpg', 'image/jpeg')", id, id);
            store().put("assets/" + id + "/original", JPEG, "image/jpeg");
            store().put("variants/" + id + "/thumb-d1.jpg", JPEG, "image/jpeg");
            deleted.add(id);
        }
        String refusedKey = "variants/" + deleted.get(1) + "/thumb-d1.jpg";
        ObjectStore refusing = new DelegatingObjectStore(store()) {
            @Override
            public Deletion deleteAll(Collection<String> keys) {
                Deletion done = super.deleteAll(keys.stream().filter(k -> !k.equals(refusedKey)).toList());
                if (!keys.contains(refusedKey)) {
                    return done;
                }
                Map<String, String> failed = new HashMap<>(done.failed());
                failed.put(refusedKey, "AccessDenied: Access Denied");
                return new Deletion(done.deleted(), failed);
            }
        };
        Assets assets = context.getBean(Assets.class);

        assertEquals(BATCH + 1, new PurgeDetachedAssets(assets, refusing, DETACHED_ONLY, BATCH).run());

        for (UUID id : deleted) {
            boolean refused = id.equals(deleted.get(1));
            assertEquals(refused, assets.findById(id).isPresent(), id + " row");
            assertEquals(refused, store().head("variants/" + id + "/thumb-d1.jpg").isPresent(), id + " variant");
            assertTrue(store().head("assets/" + id + "/original").isEmpty(), id + " original");
        }

        assertEquals(1, new PurgeDetachedAssets(assets, store(), DETACHED_ONLY, BATCH).run());
        assertTrue(assets.findById(deleted.get(1)).isEmpty());
        assertTrue(store().head(refusedKey).isEmpty());
    }

    @Test
    void expiredExportsGoABatchPerDeleteObjectsAndOneObjectStorageRefusesKeepsOnlyItsRow() {
        Exports exports = context.getBean(Exports.class);
        Instant longAgo = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        List<UUID> expired = new ArrayList<>();
        for (int i = 0; i < 2 * BATCH + 1; i++) { // the oldest first: the refused one leads every batch
            expired.add(readyExport(exports, longAgo.plusSeconds(i)));
        }
        UUID live = readyExport(exports, Instant.now().plus(1, ChronoUnit.DAYS));
        String refusedKey = Export.keyOf(expired.getFirst());
        List<Integer> batchDeletes = new ArrayList<>();
        ObjectStore refusing = new DelegatingObjectStore(store()) {
            @Override
            public void delete(String key) {
                throw new AssertionError("one DELETE per object: " + key);
            }

            @Override
            public Deletion deleteAll(Collection<String> keys) {
                batchDeletes.add(keys.size());
                Deletion done = super.deleteAll(keys.stream().filter(k -> !k.equals(refusedKey)).toList());
                Map<String, String> failed = new HashMap<>(done.failed());
                if (keys.contains(refusedKey)) {
                    failed.put(refusedKey, "AccessDenied: Access Denied");
                }
                return new Deletion(done.deleted(), failed);
            }
        };

        var report = exportPurge(exports, refusing).execute();

        assertEquals(2 * BATCH, report.expiredDeleted(), report.toString());
        // Four batches of three keys, the refused one in each, then one of it alone, which removes nothing.
        assertEquals(List.of(BATCH, BATCH, BATCH, 1), batchDeletes);
        for (UUID id : expired) {
            boolean refused = id.equals(expired.getFirst());
            assertEquals(refused, exports.find(id).isPresent(), id + " row");
            assertEquals(refused, store().head(Export.keyOf(id)).isPresent(), id + " object");
        }
        assertTrue(exports.find(live).isPresent() && store().head(Export.keyOf(live)).isPresent(), "unexpired: kept");

        assertEquals(1, exportPurge(exports, store()).execute().expiredDeleted());
        assertTrue(exports.find(expired.getFirst()).isEmpty() && store().head(refusedKey).isEmpty());
    }

    PurgeExpiredExports exportPurge(Exports exports, ObjectStore store) {
        Duration hour = Duration.ofHours(1);
        return new PurgeExpiredExports(exports, store, multipart(), context.getBean(WorkQueue.class),
                Clock.systemUTC(), hour, hour, hour, BATCH);
    }

    /** A ready export kept in the bucket (as a large one is), expiring at {@code expires}. */
    UUID readyExport(Exports exports, Instant expires) {
        UUID id = UUID.randomUUID();
        exports.insertPending(new Export(id, owner.id(), "x.csv", ExportFormat.CSV, "text/csv", ExportState.PENDING, 0,
                "", Optional.empty(), Optional.of(Export.keyOf(id)), Optional.empty(), Optional.empty(), Map.of(),
                expires.minus(1, ChronoUnit.DAYS), expires, Optional.empty()));
        store().put(Export.keyOf(id), "a,b\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/csv");
        assertTrue(exports.markReady(id, Optional.empty(), 4, "x", Optional.empty(), Optional.empty()));
        return id;
    }

    /** lanesResumed .. orphanStagedAssetsDeleted: the counts of the upload sessions' part of the purge. */
    static List<Integer> uploadCounts(PurgeAbandonedUploads.Report r) {
        return List.of(r.lanesResumed(), r.sessionsVerified(), r.sessionsExpired(), r.residueSessions(),
                r.multipartAborted(), r.objectsDeleted(), r.assetsDeleted(), r.orphanMultipartAborted(),
                r.orphanStagedAssetsDeleted());
    }

    PurgeAbandonedUploads purger(ObjectStore store, MultipartStore multipart) {
        Assets assets = context.getBean(Assets.class);
        return new PurgeAbandonedUploads(context.getBean(UploadSessions.class), assets, store,
                context.getBean(VerifyUpload.class), context.getBean(PromoteAsset.class), Duration.ofMinutes(10),
                new UploadResidue(assets, store, multipart), multipart, Clock.systemUTC(), BATCH,
                Duration.ofHours(1), context.getBean(PurgeDetachedAssets.class),
                context.getBean(dev.stowage.domain.variant.RequeueStarvedVariants.class),
                context.getBean(dev.stowage.domain.stagedfile.PurgeStagedFiles.class),
                context.getBean(dev.stowage.domain.export.PurgeExpiredExports.class),
                context.getBean(dev.stowage.domain.streaming.ExpireProviderUploads.class),
                context.getBean(dev.stowage.domain.event.PruneOutbox.class),
                context.getBean(ScanStorageDrift.class));
    }

    ObjectStore store() {
        return context.getBean(ObjectStore.class);
    }

    MultipartStore multipart() {
        return context.getBean(MultipartStore.class);
    }

    UploadSession initiate(String strategy) {
        return context.getBean(InitiateUpload.class).execute(owner, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "p.jpg", "image/jpeg", (long) JPEG.length, null), strategy))
                .orElseThrow();
    }

    UploadSession signed(String strategy) {
        UploadSession s = initiate(strategy);
        context.getBean(SignUpload.class).execute(owner, s.id()).orElseThrow();
        return reload(s);
    }

    /** Past its expiry, still open. */
    UploadSession expired(UploadSession s) {
        sql("UPDATE upload_sessions SET expires_at = now() - interval '1 minute' WHERE id = ?::uuid", s.id());
        return reload(s);
    }

    /** Ended ({@code state}) with its bytes still in staging: what a run that died, or a failed delete, leaves. */
    UploadSession endedWithBytes(UploadSession s, String state) {
        store().put(s.uploadKey(), JPEG, "image/jpeg");
        sql("UPDATE upload_sessions SET state = '" + state + "', failure_reason = "
                + ("failed".equals(state) ? "'checksum_mismatch: test'" : "NULL") + " WHERE id = ?::uuid", s.id());
        return reload(s);
    }

    void sql(String statement, UUID... ids) {
        try (var c = DriverManager.getConnection(servers.postgres().jdbcUrl(), servers.postgres().username(),
                servers.postgres().password()); var update = c.prepareStatement(statement)) {
            for (int i = 0; i < ids.length; i++) {
                update.setString(i + 1, ids[i].toString());
            }
            assertEquals(1, update.executeUpdate());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    UploadSession reload(UploadSession s) {
        return context.getBean(UploadSessions.class).findById(s.id()).orElseThrow();
    }

    boolean assetExists(UploadSession s) {
        return context.getBean(Assets.class).findById(s.requireAssetId()).isPresent();
    }
}
