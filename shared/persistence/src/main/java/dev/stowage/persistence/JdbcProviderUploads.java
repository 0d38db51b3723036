package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.streaming.ProviderUpload;
import dev.stowage.domain.streaming.ProviderUploadState;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider-upload port over PostgreSQL, in plain JDBC. A webhook may have to move a row more than one
 * step (a {@code ready} that overtook {@code asset_created}); each step is its own compare-and-set, all of
 * them in one transaction, so the transition trigger sees only moves the machine allows.
 */
@Singleton
public class JdbcProviderUploads implements ProviderUploads {
    private static final String COLUMNS = """
            p.id, p.asset_id, p.principal, p.provider, p.provider_upload_id, p.provider_asset_id, p.playback_id,
            p.state, p.error, p.created_at""";
    private static final TransactionDefinition WRITE = TransactionDefinition.of(
            TransactionDefinition.Propagation.REQUIRES_NEW);
    /** What a ready streaming asset is served as: the provider's HLS playlist. */
    static final String PLAYBACK_CONTENT_TYPE = "application/vnd.apple.mpegurl";

    private final TransactionOperations<Connection> tx;

    public JdbcProviderUploads(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public void insertWithAsset(Asset a, ProviderUpload p) {
        tx.execute(WRITE, status -> {
            Connection c = status.getConnection();
            run(c, """
                    INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size,
                           staging_key, ingest, created_at, updated_at)
                    VALUES (?, ?, ?, 'staged', ?, ?, ?, ?, 'streaming', ?, ?)""", s -> {
                s.setObject(1, a.id());
                s.setString(2, a.owner().id());
                s.setString(3, a.profile());
                s.setString(4, a.filename());
                s.setString(5, a.claimedContentType());
                s.setLong(6, a.byteSize());
                s.setString(7, a.stagingKey());
                s.setTimestamp(8, Timestamp.from(a.createdAt()));
                s.setTimestamp(9, Timestamp.from(a.createdAt()));
            });
            return run(c, """
                    INSERT INTO provider_uploads (id, asset_id, principal, provider, state, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?)""", s -> {
                s.setObject(1, p.id());
                s.setObject(2, p.assetId());
                s.setString(3, p.principal().id());
                s.setString(4, p.provider());
                s.setTimestamp(5, Timestamp.from(p.createdAt()));
                s.setTimestamp(6, Timestamp.from(p.createdAt()));
            });
        });
    }

    @Override
    public Optional<ProviderUpload> findByAsset(UUID assetId, Principal owner) {
        return one("SELECT " + COLUMNS + " FROM provider_uploads p WHERE p.asset_id = ? AND p.principal = ?", s -> {
            s.setObject(1, assetId);
            s.setString(2, owner.id());
        });
    }

    @Override
    public Optional<ProviderUpload> findByUploadId(String provider, String providerUploadId) {
        return one("SELECT " + COLUMNS + " FROM provider_uploads p WHERE p.provider = ? AND p.provider_upload_id = ?",
                s -> {
                    s.setString(1, provider);
                    s.setString(2, providerUploadId);
                });
    }

    @Override
    public Optional<ProviderUpload> findByProviderAsset(String provider, String providerAssetId) {
        return one("SELECT " + COLUMNS + " FROM provider_uploads p WHERE p.provider = ? AND p.provider_asset_id = ?",
                s -> {
                    s.setString(1, provider);
                    s.setString(2, providerAssetId);
                });
    }

    @Override
    public Optional<ProviderUpload> findByPassthrough(String provider, UUID assetId) {
        return one("SELECT " + COLUMNS + " FROM provider_uploads p WHERE p.provider = ? AND p.asset_id = ?", s -> {
            s.setString(1, provider);
            s.setObject(2, assetId);
        });
    }

    @Override
    public boolean recordUploadId(UUID id, String providerUploadId) {
        return write(c -> run(c, """
                UPDATE provider_uploads SET provider_upload_id = ?, state = 'uploading'
                 WHERE id = ? AND state = 'pending'""", s -> {
            s.setString(1, providerUploadId);
            s.setObject(2, id);
        })) == 1;
    }

    @Override
    public boolean cancel(UUID id) {
        return write(c -> move(c, id, "pending', 'uploading", "deleted")) == 1;
    }

    @Override
    public boolean failUpload(UUID id, String error) {
        return write(c -> run(c, """
                UPDATE provider_uploads SET state = 'errored', error = ?
                 WHERE id = ? AND state IN ('pending', 'uploading')""", s -> {
            s.setString(1, error);
            s.setObject(2, id);
        })) == 1;
    }

    @Override
    public boolean markProcessing(UUID id, String providerUploadId, String providerAssetId) {
        return write(c -> {
            run(c, """
                    UPDATE provider_uploads SET state = 'uploading',
                           provider_upload_id = coalesce(provider_upload_id, ?)
                     WHERE id = ? AND state = 'pending'""", s -> {
                s.setString(1, providerUploadId);
                s.setObject(2, id);
            });
            return run(c, """
                    UPDATE provider_uploads SET state = 'processing',
                           provider_asset_id = coalesce(provider_asset_id, ?)
                     WHERE id = ? AND state = 'uploading'""", s -> {
                s.setString(1, providerAssetId);
                s.setObject(2, id);
            });
        }) == 1;
    }

    @Override
    public boolean markReady(UUID id, String providerAssetId, String playbackId, Optional<Long> durationMs) {
        return write(c -> {
            move(c, id, "pending", "uploading");
            move(c, id, "uploading", "processing");
            int moved = run(c, """
                    UPDATE provider_uploads SET state = 'ready', playback_id = ?,
                           provider_asset_id = coalesce(provider_asset_id, ?)
                     WHERE id = ? AND state = 'processing'""", s -> {
                s.setString(1, playbackId);
                s.setString(2, providerAssetId);
                s.setObject(3, id);
            });
            if (moved == 1) {
                run(c, """
                        UPDATE assets SET state = 'ready', content_type = ?, kind = 'video', duration_ms = ?
                         WHERE id = (SELECT asset_id FROM provider_uploads WHERE id = ?)
                           AND state = 'staged' AND ingest = 'streaming'""", s -> {
                    s.setString(1, PLAYBACK_CONTENT_TYPE);
                    s.setObject(2, durationMs.orElse(null));
                    s.setObject(3, id);
                });
            }
            return moved;
        }) == 1;
    }

    @Override
    public boolean failAsset(UUID id, String providerAssetId, String error) {
        return write(c -> run(c, """
                UPDATE provider_uploads SET state = 'errored', error = ?,
                       provider_asset_id = coalesce(provider_asset_id, ?)
                 WHERE id = ? AND state IN ('pending', 'uploading', 'processing')""", s -> {
            s.setString(1, error);
            s.setString(2, providerAssetId);
            s.setObject(3, id);
        })) == 1;
    }

    @Override
    public List<ProviderUpload> findOpen(String profile, Instant before, int limit) {
        return query("SELECT " + COLUMNS + """
                 FROM provider_uploads p JOIN assets a ON a.id = p.asset_id
                WHERE p.state IN ('pending', 'uploading') AND p.created_at < ? AND a.profile = ?
                ORDER BY p.created_at LIMIT ?""", s -> {
            s.setTimestamp(1, Timestamp.from(before));
            s.setString(2, profile);
            s.setInt(3, limit);
        });
    }

    @Override
    public List<ProviderUpload> findPending(String profile, Instant before, int limit) {
        return query("SELECT " + COLUMNS + """
                 FROM provider_uploads p JOIN assets a ON a.id = p.asset_id
                WHERE p.state = 'pending' AND p.provider_upload_id IS NULL AND p.created_at < ? AND a.profile = ?
                ORDER BY p.created_at LIMIT ?""", s -> {
            s.setTimestamp(1, Timestamp.from(before));
            s.setString(2, profile);
            s.setInt(3, limit);
        });
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private interface Work {
        int in(Connection c) throws SQLException;
    }

    private int write(Work work) {
        return tx.execute(WRITE, status -> work.in(status.getConnection()));
    }

    /** One step of the machine; {@code from} may list several states as {@code a', 'b}. */
    private static int move(Connection c, UUID id, String from, String to) throws SQLException {
        return run(c, "UPDATE provider_uploads SET state = '" + to + "' WHERE id = ? AND state IN ('" + from + "')",
                s -> s.setObject(1, id));
    }

    private static int run(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        }
    }

    private Optional<ProviderUpload> one(String sql, Binder binder) {
        return query(sql, binder).stream().findFirst();
    }

    private List<ProviderUpload> query(String sql, Binder binder) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql)) {
                binder.bind(s);
                List<ProviderUpload> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(row(r));
                    }
                }
                return out;
            }
        });
    }

    private static ProviderUpload row(ResultSet r) throws SQLException {
        return new ProviderUpload(r.getObject("id", UUID.class), r.getObject("asset_id", UUID.class),
                new Principal(r.getString("principal")), r.getString("provider"),
                Optional.ofNullable(r.getString("provider_upload_id")),
                Optional.ofNullable(r.getString("provider_asset_id")), Optional.ofNullable(r.getString("playback_id")),
                MachineState.fromWire(ProviderUploadState.class, r.getString("state")),
                Optional.ofNullable(r.getString("error")), r.getTimestamp("created_at").toInstant());
    }
}
