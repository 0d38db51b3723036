package dev.stowage.persistence;

import dev.stowage.domain.export.Export;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.port.Exports;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The export port over PostgreSQL, in plain JDBC: the bytes are a {@code bytea} read only by
 * {@link #content}, never with the listing. State changes are compare-and-set on {@code state}. Each write
 * is its own transaction even inside another (an inventory's cursor), so a pending row is committed before
 * any byte is written. A queued export's claim is a lease timed by the database's clock, as a variant's.
 */
@Singleton
public class JdbcExports implements Exports {
    private static final String COLUMNS = """
            id, principal, filename, format, content_type, state, byte_size, checksum_sha256, row_count,
            storage_key, workflow_id, request_id, labels::text, created_at, expires_at, failure_reason""";
    private static final TransactionDefinition WRITE_ALONE =
            TransactionDefinition.of(TransactionDefinition.Propagation.REQUIRES_NEW);
    private static final Argument<Map<String, String>> LABELS = Argument.mapOf(String.class, String.class);

    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;

    public JdbcExports(TransactionOperations<Connection> tx, JsonMapper json) {
        this.tx = tx;
        this.json = json;
    }

    @Override
    public void insertPending(Export e) {
        insert(e, Optional.empty());
    }

    @Override
    public void insertQueued(Export e, AssetInventory.Filter filter) {
        insert(e, Optional.of(filter));
    }

    private void insert(Export e, Optional<AssetInventory.Filter> queued) {
        update("""
                INSERT INTO exports (id, principal, kind, filename, content_type, state, byte_size, content,
                       storage_key, expires_at, created_at, format, checksum_sha256, row_count, workflow_id,
                       request_id, labels, queued_at, filter_profile, filter_state, filter_created_from,
                       filter_created_to)
                VALUES (?, ?, ?, ?, ?, 'pending', NULL, NULL, ?, ?, ?, ?, NULL, NULL, ?, ?, ?::jsonb,
                        CASE WHEN ? THEN now() END, ?, ?, ?, ?)""", s -> {
            s.setObject(1, e.id());
            s.setString(2, e.principal());
            s.setString(3, e.kind());
            s.setString(4, e.filename());
            s.setString(5, e.contentType());
            s.setString(6, e.storageKey().orElse(Export.keyOf(e.id())));
            s.setTimestamp(7, Timestamp.from(e.expiresAt()));
            s.setTimestamp(8, Timestamp.from(e.createdAt()));
            s.setString(9, e.format().wire());
            s.setString(10, e.workflowId().orElse(null));
            s.setString(11, e.requestId().orElse(null));
            s.setString(12, labelsJson(e.labels()));
            s.setBoolean(13, queued.isPresent());
            s.setString(14, queued.flatMap(AssetInventory.Filter::profile).orElse(null));
            s.setString(15, queued.flatMap(AssetInventory.Filter::state).orElse(null));
            s.setTimestamp(16, queued.flatMap(AssetInventory.Filter::createdFrom).map(Timestamp::from).orElse(null));
            s.setTimestamp(17, queued.flatMap(AssetInventory.Filter::createdTo).map(Timestamp::from).orElse(null));
        });
    }

    @Override
    public Optional<Queued> findQueued(UUID id) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT " + COLUMNS
                    + ", attempts, filter_profile, filter_state, filter_created_from, filter_created_to"
                    + " FROM exports WHERE id = ? AND queued_at IS NOT NULL")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    var filter = new AssetInventory.Filter(Optional.ofNullable(r.getString("filter_profile")),
                            Optional.ofNullable(r.getString("filter_state")),
                            Optional.ofNullable(r.getTimestamp("filter_created_from")).map(Timestamp::toInstant),
                            Optional.ofNullable(r.getTimestamp("filter_created_to")).map(Timestamp::toInstant));
                    return Optional.of(new Queued(row(r), filter, r.getInt("attempts")));
                }
            }
        });
    }

    @Override
    public boolean claim(UUID id, Lease lease) {
        return update("""
                UPDATE exports SET lease_owner = ?, lease_until = now() + make_interval(secs => ?),
                       attempts = attempts + 1
                 WHERE id = ? AND state = 'pending' AND queued_at IS NOT NULL AND expires_at > now()
                   AND (lease_owner IS NULL OR lease_until < now())""", s -> {
            s.setString(1, lease.owner());
            s.setDouble(2, JdbcAssets.seconds(lease));
            s.setObject(3, id);
        }) == 1;
    }

    @Override
    public boolean release(UUID id, Lease lease) {
        return update("""
                UPDATE exports SET lease_owner = NULL, lease_until = NULL
                 WHERE id = ? AND state = 'pending' AND lease_owner = ?""", s -> {
            s.setObject(1, id);
            s.setString(2, lease.owner());
        }) == 1;
    }

    @Override
    public List<UUID> starved(Duration idle, int limit) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("""
                    SELECT id FROM exports
                     WHERE state = 'pending' AND queued_at IS NOT NULL
                       AND queued_at < now() - make_interval(secs => ?)
                       AND (lease_owner IS NULL OR lease_until < now()) AND expires_at > now()
                     ORDER BY queued_at LIMIT ?""")) {
                s.setDouble(1, idle.toMillis() / 1000.0);
                s.setInt(2, limit);
                List<UUID> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getObject(1, UUID.class));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean touchQueued(UUID id) {
        return update("UPDATE exports SET queued_at = now() WHERE id = ? AND state = 'pending'"
                + " AND queued_at IS NOT NULL", s -> s.setObject(1, id)) == 1;
    }

    @Override
    public boolean markReady(UUID id, Optional<Lease> claim, long byteSize, String checksumSha256,
                             Optional<Long> rowCount, Optional<byte[]> content) {
        // The API call's own row has no lease owner and is never queued; a worker's must still be its own.
        return update("""
                UPDATE exports SET state = 'ready', byte_size = ?, checksum_sha256 = ?, row_count = ?, content = ?,
                       storage_key = CASE WHEN ?::bytea IS NULL THEN storage_key END,
                       lease_owner = NULL, lease_until = NULL
                 WHERE id = ? AND state = 'pending' AND lease_owner IS NOT DISTINCT FROM ?
                   AND (queued_at IS NOT NULL) = ?""", s -> {
            s.setLong(1, byteSize);
            s.setString(2, checksumSha256);
            s.setObject(3, rowCount.orElse(null), Types.BIGINT);
            s.setBytes(4, content.orElse(null));
            s.setBytes(5, content.orElse(null));
            s.setObject(6, id);
            s.setString(7, claim.map(Lease::owner).orElse(null));
            s.setBoolean(8, claim.isPresent());
        }) == 1;
    }

    @Override
    public boolean markFailed(UUID id, String reason) {
        return update("""
                UPDATE exports SET state = 'failed', failure_reason = ?, lease_owner = NULL, lease_until = NULL
                 WHERE id = ? AND state = 'pending'""", s -> {
            s.setString(1, reason);
            s.setObject(2, id);
        }) == 1;
    }

    @Override
    public boolean markFailed(UUID id, Lease claim, String reason) {
        return update("""
                UPDATE exports SET state = 'failed', failure_reason = ?, lease_owner = NULL, lease_until = NULL
                 WHERE id = ? AND state = 'pending' AND lease_owner = ?""", s -> {
            s.setString(1, reason);
            s.setObject(2, id);
            s.setString(3, claim.owner());
        }) == 1;
    }

    @Override
    public Optional<Export> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE id = ?", s -> s.setObject(1, id))
                .stream().findFirst();
    }

    @Override
    public Optional<byte[]> content(UUID id) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(
                    "SELECT content FROM exports WHERE id = ? AND content IS NOT NULL")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Export> ofPrincipal(String principal, int limit) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE principal = ? AND expires_at > now()"
                + " ORDER BY created_at DESC, id LIMIT ?", s -> {
            s.setString(1, principal);
            s.setInt(2, limit);
        });
    }

    @Override
    public boolean delete(UUID id) {
        return update("DELETE FROM exports WHERE id = ?", s -> s.setObject(1, id)) == 1;
    }

    @Override
    public int deleteExpired(Collection<UUID> ids, Instant now) {
        return update("DELETE FROM exports WHERE id = ANY (?) AND expires_at <= ?", s -> {
            s.setArray(1, s.getConnection().createArrayOf("uuid", ids.toArray()));
            s.setTimestamp(2, Timestamp.from(now));
        });
    }

    @Override
    public List<Export> expired(Instant now, int limit) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE expires_at <= ? ORDER BY expires_at LIMIT ?", s -> {
            s.setTimestamp(1, Timestamp.from(now));
            s.setInt(2, limit);
        });
    }

    @Override
    public List<Export> pendingSince(Instant before, int limit) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE state = 'pending' AND queued_at IS NULL"
                + " AND created_at < ? ORDER BY created_at LIMIT ?", s -> {
            s.setTimestamp(1, Timestamp.from(before));
            s.setInt(2, limit);
        });
    }

    @Override
    public List<Export> queuedSince(Instant before, int limit) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE state = 'pending' AND queued_at IS NOT NULL"
                + " AND created_at < ? ORDER BY created_at LIMIT ?", s -> {
            s.setTimestamp(1, Timestamp.from(before));
            s.setInt(2, limit);
        });
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        return tx.execute(WRITE_ALONE, status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql)) {
                binder.bind(s);
                return s.executeUpdate();
            }
        });
    }

    private List<Export> query(String sql, Binder binder) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql)) {
                binder.bind(s);
                List<Export> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(row(r));
                    }
                }
                return out;
            }
        });
    }

    private Export row(ResultSet r) throws SQLException {
        long rows = r.getLong("row_count");
        Optional<Long> rowCount = r.wasNull() ? Optional.empty() : Optional.of(rows);
        return new Export(r.getObject("id", UUID.class), r.getString("principal"), r.getString("filename"),
                ExportFormat.parse(r.getString("format")).orElseThrow(), r.getString("content_type"),
                ExportState.of(r.getString("state")), r.getLong("byte_size"),
                Optional.ofNullable(r.getString("checksum_sha256")).orElse(""), rowCount,
                Optional.ofNullable(r.getString("storage_key")), Optional.ofNullable(r.getString("workflow_id")),
                Optional.ofNullable(r.getString("request_id")), labels(r.getString("labels")),
                r.getTimestamp("created_at").toInstant(), r.getTimestamp("expires_at").toInstant(),
                Optional.ofNullable(r.getString("failure_reason")));
    }

    private String labelsJson(Map<String, String> labels) {
        try {
            return json.writeValueAsString(labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> labels(String text) {
        try {
            return Map.copyOf(json.readValue(text, LABELS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
