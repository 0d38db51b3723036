package dev.stowage.domain.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.port.StreamingProvider;
import java.util.Optional;

/**
 * Applies one signed provider webhook to its provider row (and, for a ready asset, to the asset). Events
 * arrive at least once and in any order: each is a compare-and-set that walks the machine forward only, so
 * a replay changes nothing and a {@code ready} that overtakes {@code asset_created} still ends ready.
 * Events for uploads no row knows, and types Stowage does not use, are acknowledged and ignored.
 */
public final class ApplyProviderWebhook {

    /** What the event did: {@code changed} is false for a replay, an unknown upload or an ignored type. */
    public record Applied(String event, boolean changed) {}

    private final ProviderUploads uploads;
    private final StreamingProvider provider;

    public ApplyProviderWebhook(ProviderUploads uploads, StreamingProvider provider) {
        this.uploads = uploads;
        this.provider = provider;
    }

    public Result<Applied> execute(String providerName, Optional<String> signature, byte[] body) {
        if (!provider.name().equals(providerName)) {
            return Result.err(ErrorCode.NOT_FOUND, "no streaming provider named '" + providerName + "'");
        }
        return provider.readWebhook(signature, body).map(this::apply);
    }

    private Applied apply(ProviderEvent event) {
        String name = provider.name();
        return switch (event) {
            case ProviderEvent.UploadAssetCreated e -> new Applied("upload_asset_created", uploads
                    .findByUploadId(name, e.uploadId()).or(() -> byPassthrough(e.passthrough()))
                    .map(r -> uploads.markProcessing(r.id(), e.uploadId(), e.providerAssetId())).orElse(false));
            case ProviderEvent.UploadCancelled e -> new Applied("upload_cancelled", uploads
                    .findByUploadId(name, e.uploadId()).map(r -> uploads.cancel(r.id())).orElse(false));
            case ProviderEvent.UploadErrored e -> new Applied("upload_errored", uploads
                    .findByUploadId(name, e.uploadId()).map(r -> uploads.failUpload(r.id(), e.message()))
                    .orElse(false));
            case ProviderEvent.AssetReady e -> new Applied("asset_ready", row(e.uploadId(), e.providerAssetId())
                    .map(r -> uploads.markReady(r.id(), e.providerAssetId(), e.playbackId(), e.durationMs()))
                    .orElse(false));
            case ProviderEvent.AssetErrored e -> new Applied("asset_errored", row(e.uploadId(), e.providerAssetId())
                    .map(r -> uploads.failAsset(r.id(), e.providerAssetId(), e.message())).orElse(false));
            case ProviderEvent.Ignored e -> new Applied(e.type(), false);
        };
    }

    /** A row still pending whose create lost the provider's answer knows only the passthrough (its asset id). */
    private Optional<ProviderUpload> byPassthrough(Optional<String> passthrough) {
        return passthrough.flatMap(ApplyProviderWebhook::uuid)
                .flatMap(assetId -> uploads.findByPassthrough(provider.name(), assetId))
                .filter(r -> r.providerUploadId().isEmpty());
    }

    static Optional<java.util.UUID> uuid(String text) {
        try {
            return Optional.of(java.util.UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<ProviderUpload> row(Optional<String> uploadId, String providerAssetId) {
        return uploadId.flatMap(u -> uploads.findByUploadId(provider.name(), u))
                .or(() -> uploads.findByProviderAsset(provider.name(), providerAssetId));
    }
}
