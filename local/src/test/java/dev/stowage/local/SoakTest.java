package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.storage.CheckInvariants.Invariant;
import dev.stowage.domain.storage.CheckInvariants.Verdict;
import dev.stowage.local.soak.Soak;
import dev.stowage.local.soak.Workload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's soak, short (8 s of load in every build; issue 12 asked for two minutes, which the build's six-minute
 * budget does not hold): mixed load with faults injected at random, then the invariant check over the end state
 * (every object named by a row, every promised object stored, no drift, nothing stuck), and the check shown to
 * find each kind of violation planted in that state. {@code bench/run.sh soak} runs the same for twenty minutes
 * ({@code -Dstowage.soak.duration=PT20M}); the settings are system properties, the seed printed to replay a run.
 */
@Order(1) // first of this module's classes (junit-platform.properties): it is the longest
class SoakTest {
    private static Duration setting(String name, String otherwise) {
        return Duration.parse(System.getProperty("stowage.soak." + name, otherwise));
    }

    @Test
    void mixedLoadWithFaultsEndsWithEveryInvariantHolding() throws Exception {
        long seed = Long.getLong("stowage.soak.seed", System.nanoTime());
        Soak.Settings settings = new Soak.Settings(setting("duration", "PT8S"),
                Integer.getInteger("stowage.soak.clients", 4), setting("fault-every", "PT1S"),
                setting("purge-every", "PT3S"), setting("lease", "PT5S"), setting("drain-limit", "PT2M"),
                setting("sample-every", "PT5S"), seed);
        try (Soak soak = Soak.start(settings)) {
            Soak.Result result = soak.run();
            String report = "seed " + seed + " (-Dstowage.soak.seed=" + seed + ")\n" + result.markdown();
            Path out = Path.of("target", "soak", "soak.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println(report);

            assertEquals(0, result.load().unexpected5xx(), report);
            assertEquals(0, result.load().unexpectedOther(), report);
            assertTrue(result.load().operations().keySet().containsAll(Workload.OPERATIONS),
                    report);
            assertTrue(result.load().answers().getOrDefault("attach 200", 0L) > 0, report);
            assertTrue(result.faultsFired() > 0, report);
            assertTrue(result.drained().isPresent(), report);
            assertTrue(result.verdict().holds(), report);
            assertTrue(result.verdict().objectCount() > 0, report);
            // The local stack's pool is 16 connections: however long the load, no more are open.
            assertTrue(result.maxDatabaseConnections() <= 16, report);

            plantOneViolationOfEach(soak);
            Verdict planted = soak.check();
            assertEquals(Map.of(Invariant.OBJECT_NAMED_BY_A_ROW, 1L, Invariant.PROMISED_OBJECT_STORED, 1L,
                    Invariant.NO_DRIFT, 1L, Invariant.NOTHING_STUCK, 1L), planted.violations(), planted.toString());
            // Read in small pages (seven at a time after a short run), every prefix takes many steps and a key's
            // rows straddle some of them: the same verdict.
            Verdict paged = soak.check((int) Math.clamp(planted.objectCount() / 50, 7, 1000));
            assertEquals(planted.objects(), paged.objects());
            assertEquals(planted.rows(), paged.rows());
            assertEquals(planted.violations(), paged.violations());
        }
    }

    /**
     * An object no row names, a ready variant's rendering deleted, a quarantined asset attached (drift), and a
     * staged file pending for ten minutes (stuck).
     */
    private static void plantOneViolationOfEach(Soak soak) throws Exception {
        soak.store().put("exports/" + UUID.randomUUID(), "nobody's".getBytes(StandardCharsets.UTF_8), "text/plain");
        try (Connection c = soak.connect(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT storage_key FROM variants WHERE state = 'ready' LIMIT 1")) {
                assertTrue(r.next(), "the soak rendered variants");
                soak.store().delete(r.getString(1));
            }
            String owner;
            String quarantined;
            try (ResultSet r = s.executeQuery("SELECT id, owner FROM assets WHERE state = 'quarantined' LIMIT 1")) {
                assertTrue(r.next(), "the soak uploaded a file the profile quarantines");
                quarantined = r.getString(1);
                owner = r.getString(2);
            }
            s.executeUpdate(("INSERT INTO attachments (id, principal, owner_type, owner_id, slot, asset_id)"
                    + " VALUES (gen_random_uuid(), '%s', 'user', 'planted', 'avatar', '%s')").formatted(owner,
                    quarantined));
            // Stuck, and left alone by the purger, which runs meanwhile (a pending export it would requeue): a
            // staged file whose upload never came, ten minutes ago, expiring tomorrow.
            s.executeUpdate(("INSERT INTO staged_files (id, principal, checksum_sha256, name, byte_size, storage_key,"
                    + " state, ttl_seconds, expires_at, created_at, updated_at) VALUES (gen_random_uuid(), '%s',"
                    + " repeat('ab', 32), 'never.bin', 1, 'staged-files/' || repeat('ab', 32), 'pending', 86400,"
                    + " now() + interval '1 day', now() - interval '10 minutes', now() - interval '10 minutes')")
                    .formatted(owner));
        }
    }
}
