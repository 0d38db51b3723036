package dev.stowage.domain.streaming;

import java.util.Optional;

/**
 * What a provider's webhook says happened, in the provider's neutral terms. Upload events name the
 * provider's upload id; asset events name the provider's asset and, for a direct upload, its upload id too,
 * which is how an asset event that overtakes its upload's event still finds the row.
 */
public sealed interface ProviderEvent {

    /**
     * The bytes arrived and the provider made an asset of them, which it is now processing. {@code passthrough}
     * (the asset id the create sent) finds a row whose create never learnt the upload id.
     */
    record UploadAssetCreated(String uploadId, String providerAssetId, Optional<String> passthrough)
            implements ProviderEvent {}

    record UploadCancelled(String uploadId) implements ProviderEvent {}

    record UploadErrored(String uploadId, String message) implements ProviderEvent {}

    /** The asset plays: {@code playbackId} is what a player needs. */
    record AssetReady(Optional<String> uploadId, String providerAssetId, String playbackId,
                      Optional<Long> durationMs) implements ProviderEvent {}

    record AssetErrored(Optional<String> uploadId, String providerAssetId, String message) implements ProviderEvent {}

    /** A type Stowage does not act on: acknowledged so the provider stops retrying it. */
    record Ignored(String type) implements ProviderEvent {}
}
