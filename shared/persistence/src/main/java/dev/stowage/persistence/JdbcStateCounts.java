package dev.stowage.persistence;

import dev.stowage.domain.port.StateCounts;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds {@code state_count_changes} into {@code state_counts} (V14) in one statement: the DELETE's snapshot
 * decides which changes move, so one appended meanwhile waits for the next fold, and a concurrent fold finds
 * the rows gone and moves nothing twice. Keys are upserted in order, so two folds cannot deadlock.
 */
@Singleton
public class JdbcStateCounts implements StateCounts {
    private static final String FOLD = """
            WITH moved AS (DELETE FROM state_count_changes RETURNING machine, profile, state, delta),
                 folded AS (INSERT INTO state_counts (machine, profile, state, n)
                            SELECT machine, profile, state, sum(delta) FROM moved
                             GROUP BY machine, profile, state ORDER BY machine, profile, state
                            ON CONFLICT (machine, profile, state) DO UPDATE SET n = state_counts.n + EXCLUDED.n)
            SELECT count(*) FROM moved""";

    private static final String DIFFERENCES = """
            WITH kept AS (SELECT machine, profile, state, sum(n) AS n
                            FROM (SELECT machine, profile, state, n FROM state_counts
                                  UNION ALL SELECT machine, profile, state, delta FROM state_count_changes) k
                           GROUP BY machine, profile, state)
            SELECT machine, profile, state, coalesce(k.n, 0), coalesce(c.n, 0)
              FROM kept k FULL JOIN state_counts_counted c USING (machine, profile, state)
             WHERE coalesce(k.n, 0) <> coalesce(c.n, 0)
             ORDER BY machine, profile, state""";

    private final TransactionOperations<Connection> tx;

    public JdbcStateCounts(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /**
     * Where the kept counts (totals plus log) differ from the tables, as {@code machine/profile/state kept=K
     * counted=C}; empty when they agree. One statement, so one snapshot: exact even while others write. It
     * scans every lifecycle table: for tests and repairs, never for the report.
     */
    public List<String> differences() {
        return tx.executeRead(status -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement s = status.getConnection().prepareStatement(DIFFERENCES);
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getString(1) + "/" + r.getString(2) + "/" + r.getString(3) + " kept="
                            + r.getLong(4) + " counted=" + r.getLong(5));
                }
            }
            return found;
        });
    }

    @Override
    public long fold() {
        return tx.executeWrite(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(FOLD);
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
