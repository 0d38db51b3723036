package dev.stowage.domain.upload;

import dev.stowage.domain.Principal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One attempt to get a file's bytes into staging, bound to the asset it will become. The asset is
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

    /** The asset of a session that has one; every session has one until its residue is purged. */
    public UUID requireAssetId() {
        return assetId.orElseThrow(() -> new IllegalStateException("session " + id + " has no asset any more"));
    }
}
