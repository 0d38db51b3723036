package dev.stowage.domain.streaming;

import dev.stowage.domain.Principal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The local record of one direct upload to a streaming provider: the asset it becomes, and only the
 * provider's non-secret correlation handles (its upload id, later its asset and playback ids).
 */
public record ProviderUpload(
        UUID id,
        UUID assetId,
        Principal principal,
        String provider,
        Optional<String> providerUploadId,
        Optional<String> providerAssetId,
        Optional<String> playbackId,
        ProviderUploadState state,
        Optional<String> error,
        Instant createdAt) {

    /** A row written before the provider is asked for anything. */
    public static ProviderUpload pending(UUID id, UUID assetId, Principal principal, String provider, Instant now) {
        return new ProviderUpload(id, assetId, principal, provider, Optional.empty(), Optional.empty(),
                Optional.empty(), ProviderUploadState.PENDING, Optional.empty(), now);
    }
}
