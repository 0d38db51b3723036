package dev.stowage.bench;

import dev.stowage.domain.Principal;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.local.LocalStack;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Issue 9: staged-file dedupe. 1,000 stage calls for checksums the caller already has present (each one the
 * use case as the function runs it: the locked upsert that slides the TTL, then the HEAD that makes sure the
 * object is still there), per second, against a floor of a bare indexed SELECT + UPDATE per call over one
 * JDBC connection, in the same run and against the same PostgreSQL. Rounds alternate the two sides.
 */
public final class StagedFileBench {

    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("bench.stagedCalls", 1_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            var context = stack.context();
            StageFile stage = context.getBean(StageFile.class);
            ObjectStore store = context.getBean(ObjectStore.class);
            DataSource ds = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
            Principal caller = new Principal("bench-" + UUID.randomUUID());

            // Seed: one present entry and one object per checksum, through the use case and storage.
            List<String> checksums = new ArrayList<>();
            List<byte[]> files = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                byte[] bytes = ("staged file " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
                String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                var staged = stage.execute(caller, command(hex, bytes.length)).orElseThrow();
                store.put(staged.file().storageKey(), bytes, "application/octet-stream");
                checksums.add(hex);
                files.add(bytes);
            }
            try (Connection c = ds.getConnection()) {
                c.createStatement().executeUpdate("UPDATE staged_files SET state = 'present' WHERE principal = '"
                        + caller.id() + "'");
            }

            System.out.printf("%n| round | stage calls/s (use case) | floor SELECT+UPDATE/s | ratio | HEAD alone/s |%n"
                    + "|---|---|---|---|---|%n");
            double sumStage = 0;
            double sumFloor = 0;
            for (int round = 0; round <= rounds; round++) { // round 0 warms both sides up
                double stageRate;
                double floorRate;
                if (round % 2 == 0) {
                    stageRate = stageRate(stage, caller, checksums, files);
                    floorRate = floorRate(ds, caller, checksums);
                } else {
                    floorRate = floorRate(ds, caller, checksums);
                    stageRate = stageRate(stage, caller, checksums, files);
                }
                if (round > 0) {
                    sumStage += stageRate;
                    sumFloor += floorRate;
                    System.out.printf("| %d | %.0f | %.0f | %.2f | %.0f |%n", round, stageRate, floorRate,
                            stageRate / floorRate, headRate(store, checksums));
                }
            }
            System.out.printf("| mean | %.0f | %.0f | %.2f | |%n", sumStage / rounds, sumFloor / rounds, sumStage / sumFloor);
        }
    }

    static StageFile.Command command(String hex, int size) {
        return new StageFile.Command(hex, "file.bin", (long) size, null, 3600L, null);
    }

    static double stageRate(StageFile stage, Principal caller, List<String> checksums, List<byte[]> files) {
        long start = System.nanoTime();
        for (int i = 0; i < checksums.size(); i++) {
            var staged = stage.execute(caller, command(checksums.get(i), files.get(i).length)).orElseThrow();
            if (staged.upload().isPresent()) {
                throw new IllegalStateException("a present checksum asked for an upload: " + staged.file());
            }
        }
        return checksums.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** What the HEAD that guards "no upload" costs by itself: the stage's share that no SQL floor has. */
    static double headRate(ObjectStore store, List<String> checksums) {
        long start = System.nanoTime();
        for (String hex : checksums) {
            store.head(dev.stowage.domain.stagedfile.StagedFile.key(hex)).orElseThrow();
        }
        return checksums.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** The least a dedupe hit can cost: find the entry by its unique index, slide its expiry. */
    static double floorRate(DataSource ds, Principal caller, List<String> checksums) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT id, state FROM staged_files WHERE principal = ? AND checksum_sha256 = ?");
             PreparedStatement update = c.prepareStatement(
                     "UPDATE staged_files SET expires_at = now() + make_interval(secs => 3600), ttl_seconds = 3600 "
                             + "WHERE id = ?")) {
            c.setAutoCommit(true);
            long start = System.nanoTime();
            for (String hex : checksums) {
                select.setString(1, caller.id());
                select.setString(2, hex);
                UUID id;
                try (ResultSet r = select.executeQuery()) {
                    if (!r.next() || !"present".equals(r.getString(2))) {
                        throw new IllegalStateException("no present entry for " + hex);
                    }
                    id = r.getObject(1, UUID.class);
                }
                update.setObject(1, id);
                update.executeUpdate();
            }
            return checksums.size() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
