package dev.stowage.domain.port;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Upload sessions in the database. Every state change is a compare-and-set; callers act on the boolean. */
public interface UploadSessions {

    /** Inserts the staged asset and its session in one transaction. */
    void insertWithAsset(UploadSession session, Asset asset);

    Optional<UploadSession> find(UUID id, Principal owner);

    Optional<UploadSession> findById(UUID id);

    Optional<UploadSession> findByUploadKey(String key);

    boolean transition(UUID id, Set<UploadState> from, UploadState to);

    /** Moves the session to failed from any of {@code from}, recording why. */
    boolean fail(UUID id, Set<UploadState> from, String reason);

    /** Session verifying → completed and its asset staged → validating, atomically. */
    boolean complete(UUID sessionId, UUID assetId);
}
