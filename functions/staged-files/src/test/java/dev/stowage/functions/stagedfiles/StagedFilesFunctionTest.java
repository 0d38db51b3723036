package dev.stowage.functions.stagedfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.stagedfile.ConfirmStagedFile;
import dev.stowage.domain.stagedfile.PurgeStagedFiles;
import dev.stowage.domain.stagedfile.ReleaseStagedObjects;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The staged-file registry through its function's API Gateway handler, on real PostgreSQL and S3: staging
 * the same bytes twice uploads once, storage refuses other bytes, principals share objects but not entries,
 * and an object goes only when no entry references it — also when a stage races its release.
 */
class StagedFilesFunctionTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static ObjectStore store;
    static StagedFiles files;
    static ConfirmStagedFile confirm;
    // Not the common pool: on two cores it runs one task at a time, and a blocked stage would stall the purge.
    static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool();
    final String alice = "alice-" + UUID.randomUUID();
    final String bob = "bob-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        store = function.getApplicationContext().getBean(ObjectStore.class);
        files = function.getApplicationContext().getBean(StagedFiles.class);
        confirm = function.getApplicationContext().getBean(ConfirmStagedFile.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static byte[] unique(String text) {
        return (text + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(Base64.getDecoder().decode(Checksums.sha256Base64(bytes)));
    }

    static String key(byte[] bytes) {
        return "staged-files/" + hex(bytes);
    }

    ApiGatewayClient.Reply stage(String who, byte[] bytes, String extra) {
        return api.call(who, "POST", "/v1/staged-files", "{\"checksumSha256\":\"" + hex(bytes)
                + "\",\"name\":\"notes.txt\",\"size\":" + bytes.length + ",\"contentType\":\"text/plain\"," + extra + "}");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> entry(ApiGatewayClient.Reply reply) {
        return (Map<String, Object>) reply.map().get("stagedFile");
    }

    /** Makes the PUT the stage answered with; its status. */
    @SuppressWarnings("unchecked")
    static int put(ApiGatewayClient.Reply staged, byte[] bytes) {
        Map<String, Object> upload = (Map<String, Object>) staged.map().get("upload");
        return PresignedHttp.send(URI.create((String) upload.get("url")), (String) upload.get("method"),
                (Map<String, String>) upload.get("headers"), bytes).statusCode();
    }

    /** Makes the PUT the stage answered with, then delivers the S3 event as the queue would. */
    static int upload(ApiGatewayClient.Reply staged, byte[] bytes) {
        int status = put(staged, bytes);
        if (status == 200) {
            assertEquals(ConfirmStagedFile.Outcome.CONFIRMED, confirm.objectCreated(key(bytes)));
        }
        return status;
    }

    static Connection connect() throws Exception {
        TestStack t = TestStack.get();
        return DriverManager.getConnection(t.jdbcUrl(), t.dbUser(), t.dbPassword());
    }

    static void expire(String principal, byte[] bytes) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE staged_files SET expires_at = now() - interval '1 second' WHERE principal = '"
                    + principal + "' AND checksum_sha256 = '" + hex(bytes) + "'");
        }
    }

    static PurgeStagedFiles purger(ObjectStore through, Duration orphanGrace) {
        return new PurgeStagedFiles(files, new ReleaseStagedObjects(files, through), through, Clock.systemUTC(),
                orphanGrace, 2);
    }

    @Test
    void stagingTheSameBytesTwiceUploadsOnceAndSlidesTheTtl() throws Exception {
        byte[] bytes = unique("hello");
        var first = stage(alice, bytes, "\"ttlSeconds\":600");
        assertEquals(200, first.status(), first.body());
        assertEquals("pending", entry(first).get("state"));
        assertEquals(true, first.map().get("uploadRequired"));
        assertEquals(200, upload(first, bytes));
        assertEquals("present", api.call(alice, "GET", "/v1/staged-files/" + entry(first).get("id"), "")
                .string("state"));

        var second = api.call(alice, "POST", "/v1/staged-files", "{\"checksumSha256\":\""
                + Checksums.sha256Base64(bytes) + "\",\"name\":\"again.txt\",\"size\":" + bytes.length
                + ",\"ttlSeconds\":3600}"); // base64 this time: the same checksum
        assertEquals(200, second.status(), second.body());
        assertEquals(false, second.map().get("uploadRequired"));
        assertNull(second.map().get("upload"), "no upload: storage holds the caller's bytes");
        assertEquals(entry(first).get("id"), entry(second).get("id"));
        assertEquals("present", entry(second).get("state"));
        assertEquals(3600, ((Number) entry(second).get("ttlSeconds")).intValue());
        assertTrue(Instant.parse((String) entry(second).get("expiresAt"))
                .isAfter(Instant.parse((String) entry(first).get("expiresAt")).plusSeconds(2000)), "the TTL slid");
    }

    @Test
    void storageRefusesBytesOtherThanTheDeclaredOnesAndStoresNothing() {
        byte[] bytes = unique("declared");
        byte[] other = bytes.clone();
        other[0] ^= 1; // same length, other checksum
        var staged = stage(alice, bytes, "\"ttlSeconds\":600");
        int status = upload(staged, other);
        assertTrue(status >= 400 && status < 500, "storage answered " + status);
        assertTrue(store.head(key(bytes)).isEmpty(), "nothing is stored under the declared checksum");
        assertEquals("pending", api.call(alice, "GET", "/v1/staged-files/" + entry(staged).get("id"), "")
                .string("state"));
    }

    @Test
    void twoPrincipalsShareOneObjectEachWithItsOwnEntryAndEachUploads() throws Exception {
        byte[] bytes = unique("shared");
        var alices = stage(alice, bytes, "\"ttlSeconds\":600");
        assertEquals(200, upload(alices, bytes));

        var bobs = stage(bob, bytes, "\"ttlSeconds\":600");
        assertEquals(true, bobs.map().get("uploadRequired"), "another principal's object proves nothing for bob");
        assertEquals("pending", entry(bobs).get("state"));
        assertNotEquals(entry(alices).get("id"), entry(bobs).get("id"));
        assertEquals(404, api.call(bob, "GET", "/v1/staged-files/" + entry(alices).get("id"), "").status());
        assertEquals("staged_file_not_found",
                api.call(bob, "DELETE", "/v1/staged-files/" + entry(alices).get("id"), "").string("code"));
        assertEquals(200, upload(bobs, bytes));
        assertEquals("present", api.call(bob, "GET", "/v1/staged-files/" + entry(bobs).get("id"), "").string("state"));

        assertEquals(200, api.call(alice, "DELETE", "/v1/staged-files/" + entry(alices).get("id"), "").status());
        assertTrue(store.head(key(bytes)).isPresent(), "bob's entry still references the object");
        assertEquals(200, api.call(bob, "DELETE", "/v1/staged-files/" + entry(bobs).get("id"), "").status());
        assertTrue(store.head(key(bytes)).isEmpty(), "the last reference took the object with it");
    }

    @Test
    void persistIsStickyAndCleanupResetAndMetricsCoverOnlyTheCallersEntries() throws Exception {
        byte[] kept = unique("kept");
        byte[] expiring = unique("expiring");
        byte[] live = unique("live");
        assertEquals(200, upload(stage(alice, kept, "\"persist\":true"), kept));
        var again = stage(alice, kept, "\"ttlSeconds\":5");
        assertEquals(true, entry(again).get("persist"), "a later TTL never makes a persisted entry expirable");
        assertNull(entry(again).get("expiresAt"));
        assertEquals(200, upload(stage(alice, expiring, "\"ttlSeconds\":600"), expiring));
        stage(alice, live, "\"ttlSeconds\":600"); // pending
        stage(bob, expiring, "\"ttlSeconds\":600");
        expire(alice, expiring);

        var metrics = api.call(alice, "GET", "/v1/staged-files/metrics", "").map();
        assertEquals(3, ((Number) metrics.get("total")).intValue());
        assertEquals(1, ((Number) metrics.get("persistent")).intValue());
        assertEquals(2, ((Number) metrics.get("expirable")).intValue());
        assertEquals(1, ((Number) metrics.get("pending")).intValue());
        assertEquals((long) kept.length + expiring.length + live.length, ((Number) metrics.get("totalBytes")).longValue());
        assertEquals(live.length, ((Number) metrics.get("pendingBytes")).longValue());
        assertTrue(Instant.parse((String) metrics.get("soonestExpiry")).isBefore(Instant.now()));

        var cleaned = api.call(alice, "POST", "/v1/staged-files/cleanup", "");
        assertEquals(200, cleaned.status(), cleaned.body());
        assertEquals(1, ((Number) cleaned.map().get("removed")).intValue());
        assertEquals(0, ((Number) cleaned.map().get("objectsDeleted")).intValue(), "bob still references it");
        assertTrue(store.head(key(expiring)).isPresent());
        assertEquals(2, ((Number) api.call(alice, "GET", "/v1/staged-files/metrics", "").map().get("total")).intValue());

        var reset = api.call(alice, "POST", "/v1/staged-files/reset", "");
        assertEquals(2, ((Number) reset.map().get("removed")).intValue(), reset.body());
        assertTrue(store.head(key(kept)).isEmpty(), "reset releases even persisted entries' objects");
        assertEquals(0, ((Number) api.call(alice, "GET", "/v1/staged-files/metrics", "").map().get("total")).intValue());
        assertEquals(1, ((Number) api.call(bob, "GET", "/v1/staged-files/metrics", "").map().get("total")).intValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theListPagesWithAnOpaqueCursorInAStableOrder() {
        List<String> staged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            staged.add((String) entry(stage(alice, unique("page " + i), "\"ttlSeconds\":600")).get("id"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.call(alice, "GET", "/v1/staged-files?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), "");
            assertEquals(200, page.status(), page.body());
            ((List<Map<String, Object>>) page.map().get("items")).forEach(e -> seen.add((String) e.get("id")));
            cursor = (String) page.map().get("nextCursor");
        } while (cursor != null);
        assertEquals(staged, seen);
        assertEquals("invalid_cursor", api.call(alice, "GET", "/v1/staged-files?cursor=bm9wZQ", "").string("code"));
        assertEquals("invalid_field", api.call(alice, "GET", "/v1/staged-files?limit=0", "").string("code"));
        assertTrue(((List<?>) api.call(bob, "GET", "/v1/staged-files", "").map().get("items")).isEmpty());
    }

    @Test
    void everyBadStageIsA4xxWithAStableCode() {
        String ok = "\"checksumSha256\":\"" + "ab".repeat(32) + "\",\"name\":\"a.txt\",\"size\":3";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"checksumSha256\":\"xyz\",\"name\":\"a.txt\",\"size\":3,\"ttlSeconds\":60}", "422 invalid_checksum");
        cases.put("{\"checksumSha256\":\"" + "ab".repeat(31) + "\",\"name\":\"a.txt\",\"size\":3,\"ttlSeconds\":60}", "422 invalid_checksum");
        cases.put("{\"name\":\"a.txt\",\"size\":3,\"ttlSeconds\":60}", "422 invalid_checksum");
        cases.put("{" + ok.replace("a.txt", "../etc/passwd") + ",\"ttlSeconds\":60}", "422 invalid_filename");
        cases.put("{" + ok.replace("a.txt", "a\\u0000b") + ",\"ttlSeconds\":60}", "422 invalid_filename");
        cases.put("{" + ok.replace("\"size\":3", "\"size\":-1") + ",\"ttlSeconds\":60}", "422 invalid_byte_size");
        cases.put("{" + ok.replace("\"size\":3", "\"size\":0") + ",\"ttlSeconds\":60}", "422 invalid_byte_size");
        cases.put("{" + ok.replace("\"size\":3", "\"size\":5368709121") + ",\"ttlSeconds\":60}", "413 too_large");
        cases.put("{" + ok.replace("\"size\":3", "\"size\":1.5") + ",\"ttlSeconds\":60}", "400 malformed_request");
        cases.put("{" + ok + "}", "422 invalid_ttl");
        cases.put("{" + ok + ",\"ttlSeconds\":60,\"persist\":true}", "422 invalid_ttl");
        cases.put("{" + ok + ",\"persist\":false}", "422 invalid_ttl");
        cases.put("{" + ok + ",\"ttlSeconds\":0}", "422 invalid_ttl");
        cases.put("{" + ok + ",\"ttlSeconds\":999999999}", "422 invalid_ttl");
        cases.put("{" + ok + ",\"ttlSeconds\":60,\"contentType\":\"not a type\"}", "422 content_type_not_allowed");
        cases.put("not json", "400 malformed_request");
        cases.forEach((body, expected) -> {
            var reply = api.call(alice, "POST", "/v1/staged-files", body);
            assertEquals(expected, reply.status() + " " + reply.string("code"), body + " → " + reply.body());
        });
        assertEquals(400, api.call(alice, "GET", "/v1/staged-files/not-a-uuid", "").status());
        assertEquals(404, api.call(alice, "GET", "/v1/staged-files/" + UUID.randomUUID(), "").status());
        assertEquals(401, api.call(null, "GET", "/v1/staged-files", "").status());
    }

    @Test
    void thePurgeKeepsPersistedAndReferencedObjectsAndRemovesExpiredEntriesAndOrphans() throws Exception {
        byte[] persisted = unique("persisted");
        byte[] shared = unique("shared");
        byte[] alone = unique("alone");
        byte[] orphan = unique("orphan");
        assertEquals(200, upload(stage(alice, persisted, "\"persist\":true"), persisted));
        assertEquals(200, upload(stage(alice, shared, "\"ttlSeconds\":600"), shared));
        assertEquals(200, upload(stage(bob, shared, "\"ttlSeconds\":600"), shared));
        assertEquals(200, upload(stage(alice, alone, "\"ttlSeconds\":600"), alone));
        store.put(key(orphan), orphan, "text/plain"); // an upload whose entry is gone
        expire(alice, shared);
        expire(alice, alone);

        var young = purger(store, Duration.ofHours(1)).run();
        assertTrue(store.head(key(orphan)).isPresent(), "an orphan younger than the grace is kept");
        assertTrue(young.entriesExpired() >= 2, young.toString());
        var report = purger(store, Duration.ZERO).run();

        assertTrue(store.head(key(persisted)).isPresent(), "persisted");
        assertTrue(store.head(key(shared)).isPresent(), "bob still references it");
        assertTrue(store.head(key(alone)).isEmpty(), "expired and unreferenced");
        assertTrue(store.head(key(orphan)).isEmpty(), "no entry references it");
        assertTrue(report.orphanObjectsDeleted() >= 1, report.toString());
        assertEquals(1, ((Number) api.call(alice, "GET", "/v1/staged-files/metrics", "").map().get("total")).intValue());
        assertEquals(1, ((Number) api.call(bob, "GET", "/v1/staged-files/metrics", "").map().get("total")).intValue());
    }

    @Test
    void expiredEntriesAndOrphansGoAtMostSixtyFourChecksumsPerTransactionAndDeleteObjectsWithNoSingleDelete()
            throws Exception {
        List<byte[]> expiring = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            byte[] bytes = unique("batch " + i);
            assertEquals(200, upload(stage(alice, bytes, "\"ttlSeconds\":600"), bytes));
            expiring.add(bytes);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE staged_files SET expires_at = now() - interval '1 second' WHERE principal = '"
                    + alice + "'");
        }
        List<String> orphans = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            byte[] bytes = unique("orphan " + i);
            store.put(key(bytes), bytes, "text/plain"); // objects no entry references
            orphans.add(key(bytes));
        }
        List<Integer> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        ObjectStore batchesOnly = new DelegatingObjectStore(store) {
            @Override
            public void delete(String key) {
                throw new AssertionError("one DELETE per object: " + key);
            }

            @Override
            public Deletion deleteAll(Collection<String> keys) {
                calls.add(keys.size());
                return super.deleteAll(keys);
            }
        };

        var report = new PurgeStagedFiles(files, new ReleaseStagedObjects(files, batchesOnly), batchesOnly,
                Clock.systemUTC(), Duration.ZERO, 1000).run();

        assertTrue(report.entriesExpired() >= 70 && report.orphanObjectsDeleted() >= 70, report.toString());
        for (byte[] bytes : expiring) {
            assertTrue(store.head(key(bytes)).isEmpty(), "expired and unreferenced: " + key(bytes));
        }
        for (String orphan : orphans) {
            assertTrue(store.head(orphan).isEmpty(), "no entry references it: " + orphan);
        }
        // 140 objects in at most 64 a call: a handful of calls (others' residue may add a few), never one per object.
        assertTrue(calls.stream().allMatch(n -> n <= 64), calls.toString());
        assertTrue(calls.size() >= 4 && calls.size() <= 10, calls.toString());
    }

    @Test
    void anEntryDeletedWhileStorageRefusesToDeleteLeavesAnOrphanThatTheSweepRemoves() {
        byte[] bytes = unique("refused");
        var staged = stage(alice, bytes, "\"ttlSeconds\":600");
        assertEquals(200, upload(staged, bytes));
        ObjectStore refusing = new DelegatingObjectStore(store) {
            @Override
            public Deletion deleteAll(Collection<String> keys) {
                return new Deletion(Set.of(), keys.stream().collect(Collectors.toMap(k -> k, k -> "SlowDown")));
            }
        };
        var entry = files.find(new dev.stowage.domain.Principal(alice), UUID.fromString((String) entry(staged).get("id")))
                .orElseThrow();

        var removed = new ReleaseStagedObjects(files, refusing).remove(List.of(entry), false);
        assertEquals(1, removed.entries().size(), "the caller asked for the entry to go: it went");
        assertEquals(0, removed.objectsDeleted());
        assertTrue(store.head(key(bytes)).isPresent());
        purger(store, Duration.ZERO).run();
        assertTrue(store.head(key(bytes)).isEmpty(), "no entry references it: the sweep deleted it");
    }

    @Test
    void aStageWaitingOnThePurgeOfItsChecksumGetsAnUploadInsteadOfAMissingObject() throws Exception {
        byte[] bytes = unique("raced");
        assertEquals(200, upload(stage(alice, bytes, "\"ttlSeconds\":600"), bytes));
        expire(alice, bytes);
        CountDownLatch deleting = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ObjectStore pausing = new DelegatingObjectStore(store) {
            @Override
            public Deletion deleteAll(Collection<String> keys) {
                if (keys.contains(key(bytes))) {
                    deleting.countDown(); // the purge holds the checksum's lock here
                    await(proceed);
                }
                return super.deleteAll(keys);
            }
        };
        var purge = CompletableFuture.supplyAsync(() -> purger(pausing, Duration.ofHours(1)).run(), THREADS);
        assertTrue(deleting.await(10, TimeUnit.SECONDS));
        var stage = CompletableFuture.supplyAsync(() -> stage(alice, bytes, "\"ttlSeconds\":600"), THREADS);
        try (Connection c = connect()) {
            awaitLockWaiters(c, 1); // the stage waits for the release of its checksum
        }
        assertFalse(stage.isDone());
        proceed.countDown();
        purge.get(10, TimeUnit.SECONDS);

        var staged = stage.get(10, TimeUnit.SECONDS);
        assertEquals(true, staged.map().get("uploadRequired"), "the object went: the stage asks for the bytes");
        assertEquals("pending", entry(staged).get("state"));
        assertEquals(200, upload(staged, bytes));
        assertTrue(store.head(key(bytes)).isPresent());
    }

    @Test
    void aStageThatTakesTheLockFirstKeepsTheObjectFromAPurgeQueuedBehindIt() throws Exception {
        byte[] bytes = unique("first");
        assertEquals(200, upload(stage(alice, bytes, "\"ttlSeconds\":600"), bytes));
        expire(alice, bytes);
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(hashtextextended('staged-file:" + hex(bytes) + "', 0))");
            }
            var stage = CompletableFuture.supplyAsync(() -> stage(alice, bytes, "\"ttlSeconds\":600"), THREADS);
            awaitLockWaiters(holder, 1);
            var purge = CompletableFuture.supplyAsync(() -> purger(store, Duration.ofHours(1)).run(), THREADS);
            awaitLockWaiters(holder, 2);
            holder.rollback(); // the stage is first in the lock's queue, the purge second

            var staged = stage.get(10, TimeUnit.SECONDS);
            purge.get(10, TimeUnit.SECONDS);
            assertEquals(false, staged.map().get("uploadRequired"), staged.body());
            assertTrue(store.head(key(bytes)).isPresent(), "the refreshed entry kept its object");
            assertEquals("present", api.call(alice, "GET", "/v1/staged-files/" + entry(staged).get("id"), "")
                    .string("state"));
        }
    }

    @Test
    void twentyPrincipalsStagingOneChecksumWhilePurgesRunAllEndPresentWithTheObjectInTheBucket() throws Exception {
        // The object exists and its only entry has expired: each purge may delete it, each stage may keep it.
        byte[] bytes = unique("contested");
        assertEquals(200, upload(stage(alice, bytes, "\"ttlSeconds\":600"), bytes));
        expire(alice, bytes);
        List<String> racers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            racers.add("racer-" + i + "-" + UUID.randomUUID());
        }
        var start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> stages = new ArrayList<>();
        for (String racer : racers) {
            stages.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                var staged = stage(racer, bytes, "\"ttlSeconds\":600");
                assertTrue(staged.status() == 200 || staged.status() == 201, staged.body());
                if (!Boolean.TRUE.equals(staged.map().get("uploadRequired"))) {
                    return 0;
                }
                // Told to upload: the object was purged, or is going; the PUT brings it back, and its event
                // confirms every pending entry of the checksum (another racer's event may have done so first).
                int status = put(staged, bytes);
                var outcome = confirm.objectCreated(key(bytes));
                assertTrue(Set.of(ConfirmStagedFile.Outcome.CONFIRMED, ConfirmStagedFile.Outcome.NO_PENDING_ENTRY)
                        .contains(outcome), outcome.toString());
                return status;
            }, THREADS));
        }
        List<CompletableFuture<PurgeStagedFiles.Report>> purges = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            purges.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return purger(store, Duration.ZERO).run();
            }, THREADS));
        }
        start.countDown();
        for (var stage : stages) {
            int put = stage.get(30, TimeUnit.SECONDS);
            assertTrue(put == 0 || put == 200, "an upload the stage asked for was refused: " + put);
        }
        for (var purge : purges) {
            purge.get(30, TimeUnit.SECONDS);
        }

        // Listed, not only looked up: the object under the checksum's key is there, with the staged bytes.
        var listed = store.list(key(bytes), Optional.empty(), 10);
        assertEquals(1, listed.size(), listed.toString());
        assertEquals(bytes.length, listed.getFirst().size());
        for (String racer : racers) {
            var mine = api.call(racer, "GET", "/v1/staged-files?limit=10", "");
            assertEquals(200, mine.status(), mine.body());
            assertTrue(mine.body().contains("\"present\""), racer + ": " + mine.body());
        }
        purger(store, Duration.ZERO).run();
        assertTrue(store.head(key(bytes)).isPresent(), "a purge after the race keeps what twenty entries reference");
    }

    /** Waits until {@code n} sessions queue on an advisory lock, as {@code pg_locks} shows through {@code c}. */
    static void awaitLockWaiters(Connection c, int n) {
        Eventually.await(Duration.ofSeconds(10), () -> {
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
                r.next();
                return r.getInt(1) >= n;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, n + " sessions waiting on the advisory lock");
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
