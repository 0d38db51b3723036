package dev.stowage.domain.port;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Upload sessions in the database. Every state change is a compare-and-set; callers act on the boolean. */
public interface UploadSessions {

    /** Inserts the staged asset and its session in one transaction. */
    void insertWithAsset(UploadSession session, Asset asset);

    Optional<UploadSession> find(UUID id, Principal owner);

    /** The caller's session, or {@code upload_not_found}: another principal's session is not there. */
    default Result<UploadSession> owned(UUID id, Principal caller) {
        return find(id, caller).<Result<UploadSession>>map(Result::ok)
                .orElseGet(() -> Result.err(ErrorCode.UPLOAD_NOT_FOUND, "no upload session " + id));
    }

    Optional<UploadSession> findById(UUID id);

    Optional<UploadSession> findByUploadKey(String key);

    boolean transition(UUID id, Set<UploadState> from, UploadState to);

    /**
     * {@link #transition} for each of {@code ids} in one statement: each session in any of {@code from} moves to
     * {@code to}, the others are left. The ids of those that moved.
     */
    Set<UUID> transitionAll(Collection<UUID> ids, Set<UploadState> from, UploadState to);

    /**
     * Any of {@code from} → {@code to} (uploaded or verifying), holding the lane under {@code lease}: until
     * it runs out, the purger leaves the session to its holder.
     */
    boolean claim(UUID id, Set<UploadState> from, UploadState to, Lease lease);

    /** Takes a verifying lane whose lease has run out: its holder died inside it. */
    boolean takeOverVerifying(UUID id, Lease lease);

    /**
     * Its holder gives a verifying lane up (it failed; it did not die): the lease has run out for the next
     * invocation, which takes the lane over at once. A no-op once the session has moved on or another holds it.
     */
    void releaseVerifying(UUID id, Lease lease);

    /** Sessions in a lane (uploaded, verifying) whose lease has run out, most overdue first. */
    List<UploadSession> findStaleLanes(int limit);

    /** Moves the session to failed from any of {@code from}, recording why. */
    boolean fail(UUID id, Set<UploadState> from, String reason);

    /** Session verifying → completed and its asset staged → validating, atomically. */
    boolean complete(UUID sessionId, UUID assetId);

    /** Records the multipart upload storage opened for the session; only the first recording counts. */
    boolean recordMultipartUpload(UUID id, String uploadId);

    /**
     * Sessions still open whose expiry has passed, in id order after {@code after} (when given): the order of their
     * staging keys ({@code staging/<id>/…}) in storage, so a batch's keys make one short range of the bucket.
     */
    List<UploadSession> findExpirable(Instant now, Optional<UUID> after, int limit);

    int countExpirable(Instant now);

    /**
     * Sessions that ended without completing (aborted, expired, failed) and still hold a staged asset, in id order
     * after {@code after} (when given), as {@link #findExpirable} for the same reason.
     */
    List<UploadSession> findResidue(Optional<UUID> after, int limit);

    int countResidue();

    /** Which of these multipart upload ids some session knows. */
    java.util.Set<String> knownMultipartUploads(Collection<String> uploadIds);
}
