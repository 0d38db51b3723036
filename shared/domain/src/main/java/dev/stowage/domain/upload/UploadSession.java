package dev.stowage.domain.upload;

import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One attempt to get a file's bytes into storage, bound to the asset it will become. The asset is
 * gone ({@code assetId} empty) once a session that ended without completing has been cleaned up.
 * Multipart and resumable sessions carry their part plan and, once storage has opened it, the
 * multipart upload id.
 */
public record UploadSession(
        UUID id,
        Principal owner,
        Optional<UUID> assetId,
        String profile,
        UploadStrategy strategy,
        UploadState state,
        String uploadKey,
        String filename,
        String contentType,
        long byteSize,
        Optional<String> checksumSha256,
        Optional<PartPlan> partPlan,
        Optional<String> multipartUploadId,
        Instant expiresAt,
        Optional<String> failureReason,
        Instant createdAt,
        Instant updatedAt) {

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** How long a URL signed now may live: {@code wanted}, but never past the session's expiry. */
    public java.time.Duration urlTtl(java.time.Duration wanted, Instant now) {
        java.time.Duration left = java.time.Duration.between(now, expiresAt);
        return left.compareTo(wanted) < 0 ? left : wanted;
    }

    public boolean isMultipart() {
        return strategy != UploadStrategy.PRESIGNED_PUT;
    }

    /**
     * Whether the bytes land at their asset's original key rather than in staging: a multipart upload with no
     * checksum to hash. Stowage assembles such an object itself, so no client header reaches it and nobody can write
     * the key again once it is assembled (the part URLs die with the upload); promotion has nothing to copy. Told by
     * the key, so it holds after the asset is gone.
     */
    public boolean landsAtOriginal() {
        return StorageKeys.isOriginal(uploadKey);
    }

    /** The asset of a session that has one; every session has one until its residue is purged. */
    public UUID requireAssetId() {
        return assetId.orElseThrow(() -> new IllegalStateException("session " + id + " has no asset any more"));
    }
}
