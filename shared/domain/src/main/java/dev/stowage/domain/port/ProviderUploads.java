package dev.stowage.domain.port;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.streaming.ProviderUpload;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Provider uploads in the database. Every state change is a compare-and-set; the ones that need more
 * than one step of the machine take the steps in one transaction.
 */
public interface ProviderUploads {

    /** The streaming asset and its pending row, together or not at all. */
    void insertWithAsset(Asset asset, ProviderUpload upload);

    /** The provider row of the caller's asset, if the asset has one. */
    Optional<ProviderUpload> findByAsset(UUID assetId, Principal owner);

    Optional<ProviderUpload> findByUploadId(String provider, String providerUploadId);

    Optional<ProviderUpload> findByProviderAsset(String provider, String providerAssetId);

    /** The row of {@code assetId} (the passthrough a create sends), whoever owns it. */
    Optional<ProviderUpload> findByPassthrough(String provider, UUID assetId);

    /** pending → uploading, storing the provider's upload id; false if the row left pending meanwhile. */
    boolean recordUploadId(UUID id, String providerUploadId);

    /** pending | uploading → deleted. */
    boolean cancel(UUID id);

    /** pending | uploading → errored (an upload that failed or timed out). */
    boolean failUpload(UUID id, String error);

    /**
     * pending | uploading → processing, storing the provider's asset id, and its upload id when the row has
     * none yet (a create whose answer was lost).
     */
    boolean markProcessing(UUID id, String providerUploadId, String providerAssetId);

    /**
     * pending | uploading | processing → ready with the playback id, and the asset staged → ready, in one
     * transaction.
     */
    boolean markReady(UUID id, String providerAssetId, String playbackId, Optional<Long> durationMs);

    /** pending | uploading | processing → errored: the provider could not make a playable asset. */
    boolean failAsset(UUID id, String providerAssetId, String error);

    /** Rows of {@code profile}'s assets still pending or uploading, created before {@code before}, oldest first. */
    List<ProviderUpload> findOpen(String profile, Instant before, int limit);

    /**
     * Rows of {@code profile}'s assets still pending with no provider upload id, created before {@code before},
     * oldest first: creates whose answer was lost.
     */
    List<ProviderUpload> findPending(String profile, Instant before, int limit);
}
