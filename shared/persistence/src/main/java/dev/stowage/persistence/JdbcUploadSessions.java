package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The upload-session port over PostgreSQL. */
@Singleton
public class JdbcUploadSessions implements UploadSessions {
    private final AssetRows assets;
    private final UploadSessionRows sessions;
    private final TransactionOperations<Connection> tx;

    public JdbcUploadSessions(AssetRows assets, UploadSessionRows sessions, TransactionOperations<Connection> tx) {
        this.assets = assets;
        this.sessions = sessions;
        this.tx = tx;
    }

    @Override
    @Transactional
    public void insertWithAsset(UploadSession session, Asset asset) {
        assets.save(Rows.toRow(asset));
        sessions.save(Rows.toRow(session));
    }

    @Override
    public Optional<UploadSession> find(UUID id, Principal owner) {
        return sessions.findByIdAndOwner(id, owner.id()).map(Rows::toSession);
    }

    @Override
    public Optional<UploadSession> findById(UUID id) {
        return sessions.findById(id).map(Rows::toSession);
    }

    @Override
    public Optional<UploadSession> findByUploadKey(String key) {
        return sessions.findByUploadKey(key).map(Rows::toSession);
    }

    @Override
    public boolean transition(UUID id, Set<UploadState> from, UploadState to) {
        UploadState.TRANSITIONS.require(from, to);
        return sessions.transition(id, Rows.wires(from), to.wire()) == 1;
    }

    /** One compare-and-set over many rows; each row's own triggers check and record its move. */
    @Override
    public Set<UUID> transitionAll(Collection<UUID> ids, Set<UploadState> from, UploadState to) {
        UploadState.TRANSITIONS.require(from, to);
        if (ids.isEmpty()) {
            return Set.of();
        }
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE upload_sessions SET state = ? WHERE id = ANY(?) AND state = ANY(?) RETURNING id")) {
                s.setString(1, to.wire());
                s.setArray(2, c.createArrayOf("uuid", ids.toArray()));
                s.setArray(3, c.createArrayOf("text", from.stream().map(UploadState::wire).toArray()));
                Set<UUID> moved = new HashSet<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        moved.add(r.getObject(1, UUID.class));
                    }
                }
                return moved;
            }
        });
    }

    @Override
    public boolean claim(UUID id, Set<UploadState> from, UploadState to, Lease lease) {
        UploadState.TRANSITIONS.require(from, to);
        return sessions.claim(id, Rows.wires(from), to.wire(), lease.owner(), JdbcAssets.seconds(lease)) == 1;
    }

    @Override
    public boolean takeOverVerifying(UUID id, Lease lease) {
        return sessions.takeOverVerifying(id, lease.owner(), JdbcAssets.seconds(lease)) == 1;
    }

    @Override
    public void releaseVerifying(UUID id, Lease lease) {
        sessions.releaseVerifying(id, lease.owner());
    }

    @Override
    public List<UploadSession> findStaleLanes(int limit) {
        return sessions.findStaleLanes(limit).stream().map(Rows::toSession).toList();
    }

    @Override
    public boolean fail(UUID id, Set<UploadState> from, String reason) {
        UploadState.TRANSITIONS.require(from, UploadState.FAILED);
        return sessions.fail(id, Rows.wires(from), reason) == 1;
    }

    @Override
    @Transactional
    public boolean complete(UUID sessionId, UUID assetId) {
        if (sessions.transition(sessionId, UploadState.VERIFYING.wire(), UploadState.COMPLETED.wire()) != 1) {
            return false;
        }
        // The asset can only be staged here: nothing else moves an asset whose session is not completed.
        if (assets.transition(assetId, AssetState.STAGED.wire(), AssetState.VALIDATING.wire()) != 1) {
            throw new IllegalStateException("asset " + assetId + " of session " + sessionId + " was not staged");
        }
        return true;
    }

    @Override
    public boolean recordMultipartUpload(UUID id, String uploadId) {
        return sessions.recordMultipartUpload(id, uploadId) == 1;
    }

    @Override
    public List<UploadSession> findExpirable(Instant now, Optional<UUID> after, int limit) {
        return (after.isPresent() ? sessions.findExpirableAfter(now, after.get(), limit)
                : sessions.findExpirable(now, limit)).stream().map(Rows::toSession).toList();
    }

    @Override
    public int countExpirable(Instant now) {
        return sessions.countExpirable(now);
    }

    @Override
    public List<UploadSession> findResidue(Optional<UUID> after, int limit) {
        return (after.isPresent() ? sessions.findResidueAfter(after.get(), limit) : sessions.findResidue(limit))
                .stream().map(Rows::toSession).toList();
    }

    @Override
    public int countResidue() {
        return sessions.countResidue();
    }

    @Override
    public Set<String> knownMultipartUploads(Collection<String> uploadIds) {
        return uploadIds.isEmpty() ? Set.of() : Set.copyOf(sessions.findKnownMultipartUploads(uploadIds));
    }
}
