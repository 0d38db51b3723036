package dev.stowage.domain.upload;

import dev.stowage.domain.Principal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** One attempt to get a file's bytes into staging, bound to the asset it will become. */
public record UploadSession(
        UUID id,
        Principal owner,
        UUID assetId,
        String profile,
        UploadStrategy strategy,
        UploadState state,
        String uploadKey,
        String filename,
        String contentType,
        long byteSize,
        Optional<String> checksumSha256,
        Instant expiresAt,
        Optional<String> failureReason,
        Instant createdAt,
        Instant updatedAt) {

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
