package dev.stowage.persistence;

import dev.stowage.domain.export.Export;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.export.ExportState;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The export port over PostgreSQL, in plain JDBC: the bytes are a {@code bytea} read only by
 * {@link #content}, never with the listing. State changes are compare-and-set on {@code state}. Each write
 * is its own transaction even inside another (an inventory's cursor), so a pending row is committed before
 * any byte is written.
 */
@Singleton
public class JdbcExports implements Exports {
    private static final String COLUMNS = """
            id, principal, filename, format, content_type, state, byte_size, checksum_sha256, row_count,
            storage_key, workflow_id, request_id, labels::text, created_at, expires_at""";
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
        update("""
                INSERT INTO exports (id, principal, kind, filename, content_type, state, byte_size, content,
                       storage_key, expires_at, created_at, format, checksum_sha256, row_count, workflow_id,
                       request_id, labels)
                VALUES (?, ?, ?, ?, ?, 'pending', NULL, NULL, ?, ?, ?, ?, NULL, NULL, ?, ?, ?::jsonb)""", s -> {
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
        });
    }

    @Override
    public boolean markReady(UUID id, long byteSize, String checksumSha256, Optional<Long> rowCount,
                             Optional<byte[]> content) {
        return update("""
                UPDATE exports SET state = 'ready', byte_size = ?, checksum_sha256 = ?, row_count = ?, content = ?,
                       storage_key = CASE WHEN ?::bytea IS NULL THEN storage_key END
                 WHERE id = ? AND state = 'pending'""", s -> {
            s.setLong(1, byteSize);
            s.setString(2, checksumSha256);
            s.setObject(3, rowCount.orElse(null), Types.BIGINT);
            s.setBytes(4, content.orElse(null));
            s.setBytes(5, content.orElse(null));
            s.setObject(6, id);
        }) == 1;
    }

    @Override
    public boolean markFailed(UUID id, String reason) {
        return update("""
                UPDATE exports SET state = 'failed', failure_reason = ?
                 WHERE id = ? AND state = 'pending'""", s -> {
            s.setString(1, reason);
            s.setObject(2, id);
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
    public List<Export> expired(Instant now, int limit) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE expires_at <= ? ORDER BY expires_at LIMIT ?", s -> {
            s.setTimestamp(1, Timestamp.from(now));
            s.setInt(2, limit);
        });
    }

    @Override
    public List<Export> pendingSince(Instant before, int limit) {
        return query("SELECT " + COLUMNS + " FROM exports WHERE state = 'pending' AND created_at < ?"
                + " ORDER BY created_at LIMIT ?", s -> {
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
                r.getTimestamp("created_at").toInstant(), r.getTimestamp("expires_at").toInstant());
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
