package dev.stowage.domain.asset;

import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A file Stowage owns: where its bytes are, what the client claimed, and what probing measured.
 * {@code probe} is empty until analysis ran; {@code storageKey} is empty until promotion.
 */
public record Asset(
        UUID id,
        Principal owner,
        String profile,
        AssetState state,
        String filename,
        String claimedContentType,
        long byteSize,
        Optional<String> checksumSha256,
        String stagingKey,
        Optional<String> storageKey,
        Optional<ProbeResult> probe,
        Optional<String> quarantineReason,
        Instant createdAt,
        Instant updatedAt) {

    /** Whether its bytes were uploaded straight to its original key ({@code UploadSession#landsAtOriginal}). */
    public boolean stagedAtOriginal() {
        return StorageKeys.isOriginal(stagingKey);
    }

    /** A new asset waiting for its bytes. */
    public static Asset staged(UUID id, Principal owner, String profile, String filename, String claimedContentType,
                               long byteSize, Optional<String> checksumSha256, String stagingKey, Instant now) {
        return new Asset(id, owner, profile, AssetState.STAGED, filename, claimedContentType, byteSize, checksumSha256,
                stagingKey, Optional.empty(), Optional.empty(), Optional.empty(), now, now);
    }
}
