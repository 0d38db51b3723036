package dev.stowage.persistence;

import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.storage.DriftScan;
import dev.stowage.domain.storage.DriftScan.CompletedPass;
import dev.stowage.domain.storage.DriftScan.Prefix;
import dev.stowage.domain.storage.DriftScan.Tally;
import dev.stowage.domain.storage.KeySpace;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The storage-drift scan's state (V11's single row) and its range reads. Keys are compared with
 * {@code COLLATE "C"}, byte order as S3 lists them, through V11's "C" indexes.
 */
@Singleton
public class JdbcStorageDrift implements StorageDrift {
    private static final String COLUMNS = "prefix, cursor_key, pass_started_at, orphan_objects, orphans_deleted,"
            + " missing_asset_objects, variants_marked_missing, examples, last_started_at, last_completed_at,"
            + " last_orphan_objects, last_orphans_deleted, last_missing_asset_objects, last_variants_marked_missing,"
            + " last_examples, version";

    private final TransactionOperations<Connection> tx;

    public JdbcStorageDrift(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public DriftScan load() {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM storage_drift_scan WHERE id = 1");
                 ResultSet r = s.executeQuery()) {
                return r.next() ? scan(r) : DriftScan.initial();
            }
        });
    }

    @Override
    public boolean save(DriftScan current, DriftScan next) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE storage_drift_scan SET prefix = ?, cursor_key = ?, pass_started_at = ?,
                        orphan_objects = ?, orphans_deleted = ?, missing_asset_objects = ?,
                        variants_marked_missing = ?, examples = ?, last_started_at = ?, last_completed_at = ?,
                        last_orphan_objects = ?, last_orphans_deleted = ?, last_missing_asset_objects = ?,
                        last_variants_marked_missing = ?, last_examples = ?, version = version + 1,
                        updated_at = now()
                    WHERE id = 1 AND version = ?""")) {
                s.setString(1, next.prefix().value());
                s.setString(2, next.cursor().orElse(null));
                s.setTimestamp(3, next.passStartedAt().map(Timestamp::from).orElse(null));
                tally(c, s, 4, next.current());
                Optional<CompletedPass> last = next.last();
                s.setTimestamp(9, last.map(p -> Timestamp.from(p.startedAt())).orElse(null));
                s.setTimestamp(10, last.map(p -> Timestamp.from(p.completedAt())).orElse(null));
                if (last.isPresent()) {
                    tally(c, s, 11, last.get().tally());
                } else {
                    for (int i = 11; i <= 14; i++) {
                        s.setNull(i, Types.BIGINT);
                    }
                    s.setNull(15, Types.ARRAY);
                }
                s.setLong(16, current.version());
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * The rows naming keys in a space, as {@code k, kind, id, state, updated_at}. Every asset's storage key is under
     * assets/, every variant's under variants/, and so on (StorageKeys); staging keys are named by a session and by
     * its asset (the same key) or by a proxied upload's asset alone. assets/ and variants/, which the purger's scan
     * reads every run, go through V11's "C" indexes; the other spaces only the invariant check reads.
     */
    private static String rowsAfterSql(KeySpace space) {
        String rows = switch (space) {
            case STAGING -> "SELECT upload_key AS k, 'SESSION' AS kind, id, state, updated_at FROM upload_sessions"
                    + " UNION ALL SELECT staging_key, 'ASSET', id, state, updated_at FROM assets";
            case ASSETS -> "SELECT storage_key AS k, 'ASSET' AS kind, id, state, updated_at FROM assets";
            case VARIANTS -> "SELECT storage_key AS k, 'VARIANT' AS kind, id, state, updated_at FROM variants";
            case EXPORTS -> "SELECT storage_key AS k, 'EXPORT' AS kind, id, state, created_at AS updated_at"
                    + " FROM exports";
            case STAGED_FILES -> "SELECT storage_key AS k, 'STAGED_FILE' AS kind, id, state, updated_at"
                    + " FROM staged_files";
        };
        String page = "SELECT k, kind, id, state, updated_at FROM (" + rows + ") r WHERE k IS NOT NULL"
                + " AND k COLLATE \"C\" > ? AND starts_with(k, ?) ORDER BY k COLLATE \"C\" LIMIT ?";
        return switch (space) {
            case ASSETS, VARIANTS, EXPORTS -> page; // one row per key
            // A key several rows name (a session and its asset; principals sharing a checksum) is never split
            // between pages: the rest of the page's last key's rows come too, past the limit.
            case STAGING, STAGED_FILES -> "WITH page AS (" + page + "), r AS (" + rows + ")"
                    + " SELECT * FROM (SELECT * FROM page UNION ALL SELECT k, kind, id, state, updated_at FROM r"
                    + " WHERE k = (SELECT k FROM page ORDER BY k COLLATE \"C\" DESC LIMIT 1)"
                    + " AND (kind, id) NOT IN (SELECT kind, id FROM page)) u ORDER BY k COLLATE \"C\"";
        };
    }

    /** The plan of each prefix's range query with sequential scans off, by prefix: for the test that pins its index. */
    public java.util.Map<Prefix, String> plans(String after, int limit) {
        java.util.Map<Prefix, String> plans = new java.util.EnumMap<>(Prefix.class);
        for (Prefix prefix : Prefix.values()) {
            plans.put(prefix, tx.executeRead(status -> {
                Connection c = status.getConnection();
                try (var off = c.createStatement()) {
                    off.execute("SET LOCAL enable_seqscan = off");
                }
                try (PreparedStatement s = c.prepareStatement("EXPLAIN " + rowsAfterSql(prefix.space()))) {
                    bindRowsAfter(s, prefix.space(), after, limit);
                    StringBuilder plan = new StringBuilder();
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            plan.append(r.getString(1)).append('\n');
                        }
                    }
                    return plan.toString();
                }
            }));
        }
        return plans;
    }

    @Override
    public List<StoredRow> rowsAfter(KeySpace space, Optional<String> after, int limit) {
        String sql = rowsAfterSql(space);
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql)) {
                bindRowsAfter(s, space, after.orElse(space.prefix()), limit);
                List<StoredRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new StoredRow(r.getString(1), StoredRow.Kind.valueOf(r.getString(2)),
                                r.getObject(3, UUID.class), r.getString(4), r.getTimestamp(5).toInstant()));
                    }
                }
                return rows;
            }
        });
    }

    /** Every key in a space sorts after the space's prefix itself. */
    private static void bindRowsAfter(PreparedStatement s, KeySpace space, String after, int limit)
            throws SQLException {
        s.setString(1, after);
        s.setString(2, space.prefix());
        s.setInt(3, limit);
    }

    @Override
    public Set<UUID> existingAssets(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return tx.executeRead(status -> ids(status.getConnection(), "SELECT id FROM assets WHERE id = ANY (?)",
                ids, Optional.empty()));
    }

    @Override
    public Set<UUID> markMissing(Collection<UUID> variantIds, Instant unchangedBefore) {
        if (variantIds.isEmpty()) {
            return Set.of();
        }
        return tx.executeWrite(status -> ids(status.getConnection(), "UPDATE variants SET state = 'missing'"
                + " WHERE id = ANY (?) AND state = 'ready' AND updated_at < ? RETURNING id", variantIds,
                Optional.of(unchangedBefore)));
    }

    private static Set<UUID> ids(Connection c, String sql, Collection<UUID> ids, Optional<Instant> before)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            if (before.isPresent()) {
                s.setTimestamp(2, Timestamp.from(before.get()));
            }
            Set<UUID> found = new HashSet<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getObject(1, UUID.class));
                }
            }
            return found;
        }
    }

    private static void tally(Connection c, PreparedStatement s, int from, Tally t) throws SQLException {
        s.setLong(from, t.orphanObjects());
        s.setLong(from + 1, t.orphansDeleted());
        s.setLong(from + 2, t.missingAssetObjects());
        s.setLong(from + 3, t.variantsMarkedMissing());
        s.setArray(from + 4, c.createArrayOf("text", t.examples().toArray()));
    }

    private static DriftScan scan(ResultSet r) throws SQLException {
        Tally current = new Tally(r.getLong(4), r.getLong(5), r.getLong(6), r.getLong(7), strings(r.getArray(8)));
        Optional<CompletedPass> last = Optional.empty();
        Timestamp completed = r.getTimestamp(10);
        if (completed != null) {
            last = Optional.of(new CompletedPass(r.getTimestamp(9).toInstant(), completed.toInstant(),
                    new Tally(r.getLong(11), r.getLong(12), r.getLong(13), r.getLong(14), strings(r.getArray(15)))));
        }
        Timestamp started = r.getTimestamp(3);
        return new DriftScan(Prefix.of(r.getString(1)), Optional.ofNullable(r.getString(2)),
                Optional.ofNullable(started).map(Timestamp::toInstant), current, last, r.getLong(16));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
