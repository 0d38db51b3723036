package dev.stowage.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ops.ReportGroup;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * V14's kept counts by state against the tables themselves: whatever mix of inserts, transitions, deletes and
 * cascades runs, concurrently and with folds in between, totals plus log equal a GROUP BY of the tables.
 * Isolated: a recount locks every lifecycle table, which would make another class's transactions wait or
 * deadlock.
 */
@Isolated
class StateCountsTest {
    static ApplicationContext context;
    static JdbcStateCounts counts;
    static JdbcOpsReport report;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        counts = context.getBean(JdbcStateCounts.class);
        report = context.getBean(JdbcOpsReport.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static Connection raw() throws SQLException {
        return TestStack.get().connect();
    }

    @Test
    void concurrentLifecyclesAndFoldsKeepTheCountsExact() throws Exception {
        String profile = "counts-" + UUID.randomUUID();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                writers.add(pool.submit(() -> {
                    try (Connection c = raw()) {
                        for (int i = 0; i < 40; i++) {
                            lifecycle(c, profile, i % 3);
                        }
                    }
                    return 40;
                }));
            }
            Future<Long> folder = pool.submit(() -> {
                long folded = 0;
                while (writing.get()) {
                    folded += counts.fold();
                }
                return folded;
            });
            for (Future<Integer> writer : writers) {
                writer.get();
            }
            writing.set(false);
            assertTrue(folder.get() > 0, "the folds ran while the writers wrote");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), counts.differences());

        // 160 assets, each available with a ready and a queued variant and an uploading provider upload; then
        // 56 deleted (with their variants and provider uploads), 52 lose their queued variant, 52 become ready.
        Counted counted = counted(profile);
        assertEquals(Map.of("available", 52L, "ready", 52L), counted.assets);
        assertEquals(Map.of("ready", 104L, "queued", 52L), counted.variants);
        assertEquals(Map.of("uploading", 104L), counted.providerUploads);
        assertEquals(counted.assets, report.countByState(ReportGroup.ASSETS, Optional.of(profile)));
        assertEquals(counted.variants, report.countByState(ReportGroup.VARIANTS, Optional.of(profile)));
        assertEquals(counted.providerUploads,
                report.countByState(ReportGroup.PROVIDER_UPLOADS, Optional.of(profile)));
    }

    @Test
    void aVariantChangeCommittingWhileItsAssetIsDeletedIsCountedOnce() throws Exception {
        String profile = "race-" + UUID.randomUUID();
        UUID asset = UUID.randomUUID();
        UUID variant = UUID.randomUUID();
        try (Connection setup = raw()) {
            insertAvailable(setup, asset, profile);
            execute(setup, "INSERT INTO variants (id, asset_id, name, state) VALUES (?, ?, 'thumb', 'processing')",
                    variant, asset);
        }
        try (Connection worker = raw(); Connection purger = raw()) {
            worker.setAutoCommit(false);
            purger.setAutoCommit(false);
            // The worker finishes its render but has not committed when the asset's row is deleted.
            execute(worker, "UPDATE variants SET state = 'ready', storage_key = ? WHERE id = ?",
                    "variants/" + variant, variant);
            int purgerPid = pid(purger);
            try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> delete = background.submit(() -> {
                    execute(purger, "DELETE FROM assets WHERE id = ?", asset);
                    purger.commit();
                    return null;
                });
                awaitLockWait(purgerPid);
                worker.commit();
                delete.get();
            }
        }
        assertEquals(List.of(), counts.differences());
        assertEquals(0L, report.countByState(ReportGroup.VARIANTS, Optional.of(profile)).values().stream()
                .mapToLong(Long::longValue).sum());
    }

    @Test
    void recountingRebuildsWhatTheTriggersKept() throws Exception {
        try (Connection c = raw()) {
            for (int ending = 0; ending < 3; ending++) {
                lifecycle(c, "recount-" + UUID.randomUUID(), ending);
            }
            List<String> before = snapshot(c);
            assertTrue(before.size() > 3, "there is something to compare: " + before);
            counts.fold();
            assertEquals(before, snapshot(c), "a fold changes no sum");
            execute(c, "SELECT recount_states()");
            assertEquals(before, snapshot(c), "the triggers kept what a recount finds");
        }
        assertEquals(List.of(), counts.differences());
    }

    /**
     * One asset through promotion, two variants and a provider upload, then one of three endings: 0 the asset
     * is deleted, 1 its queued variant is, 2 it becomes ready.
     */
    static void lifecycle(Connection c, String profile, int ending) throws SQLException {
        UUID asset = UUID.randomUUID();
        insertAvailable(c, asset, profile);
        execute(c, "INSERT INTO variants (id, asset_id, name, state) VALUES (?, ?, 'thumb', 'queued'),"
                + " (?, ?, 'medium', 'queued')", UUID.randomUUID(), asset, UUID.randomUUID(), asset);
        execute(c, "INSERT INTO provider_uploads (id, asset_id, principal, provider, state)"
                + " VALUES (?, ?, 'p', 'mux', 'pending')", UUID.randomUUID(), asset);
        execute(c, "UPDATE variants SET state = 'processing' WHERE asset_id = ? AND name = 'thumb'", asset);
        execute(c, "UPDATE variants SET state = 'ready', storage_key = 'variants/' || id"
                + " WHERE asset_id = ? AND name = 'thumb'", asset);
        execute(c, "UPDATE provider_uploads SET state = 'uploading' WHERE asset_id = ?", asset);
        switch (ending) {
            case 0 -> execute(c, "DELETE FROM assets WHERE id = ?", asset);
            case 1 -> execute(c, "DELETE FROM variants WHERE asset_id = ? AND name = 'medium'", asset);
            default -> {
                execute(c, "UPDATE assets SET state = 'processing' WHERE id = ?", asset);
                execute(c, "UPDATE assets SET state = 'ready' WHERE id = ?", asset);
            }
        }
    }

    static void insertAvailable(Connection c, UUID asset, String profile) throws SQLException {
        execute(c, "INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size,"
                + " staging_key) VALUES (?, 'owner', ?, 'staged', 'a.jpg', 'image/jpeg', 10, ?)",
                asset, profile, "staging/" + asset);
        for (String state : List.of("validating", "analyzing")) {
            execute(c, "UPDATE assets SET state = ? WHERE id = ?", state, asset);
        }
        execute(c, "UPDATE assets SET state = 'promoting', content_type = 'image/jpeg' WHERE id = ?", asset);
        execute(c, "UPDATE assets SET state = 'available', storage_key = ? WHERE id = ?", "assets/" + asset, asset);
        execute(c, "UPDATE assets SET filename = 'b.jpg' WHERE id = ?", asset); // not a state change: no entry
    }

    record Counted(Map<String, Long> assets, Map<String, Long> variants, Map<String, Long> providerUploads) {}

    static Counted counted(String profile) throws SQLException {
        try (Connection c = raw()) {
            return new Counted(group(c, "SELECT state, count(*) FROM assets WHERE profile = ? GROUP BY state", profile),
                    group(c, "SELECT v.state, count(*) FROM variants v JOIN assets a ON a.id = v.asset_id"
                            + " WHERE a.profile = ? GROUP BY v.state", profile),
                    group(c, "SELECT u.state, count(*) FROM provider_uploads u JOIN assets a ON a.id = u.asset_id"
                            + " WHERE a.profile = ? GROUP BY u.state", profile));
        }
    }

    static Map<String, Long> group(Connection c, String sql, String profile) throws SQLException {
        Map<String, Long> found = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, profile);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return found;
    }

    /** Every kept sum other than zero, totals plus log, in key order. */
    static List<String> snapshot(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT machine, profile, state, sum(n) FROM"
                + " (SELECT machine, profile, state, n FROM state_counts UNION ALL"
                + " SELECT machine, profile, state, delta FROM state_count_changes) k"
                + " GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(r.getString(1) + "/" + r.getString(2) + "/" + r.getString(3) + "=" + r.getLong(4));
            }
        }
        return rows;
    }

    static int pid(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    /** Polls until the backend waits on a lock (the delete's trigger on the worker's row), or fails. */
    static void awaitLockWait(int pid) throws Exception {
        try (Connection c = raw()) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?")) {
                    s.setInt(1, pid);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next() && "Lock".equals(r.getString(1))) {
                            return;
                        }
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("the delete never waited on the variant's lock");
    }

    static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.execute();
        }
    }
}
