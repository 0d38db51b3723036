package dev.stowage.domain.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.port.StreamingProvider;
import java.util.Optional;
import java.util.UUID;

/**
 * Cancels a direct upload by the asset id its creation returned. FSM-first: the row moves from pending or
 * uploading to deleted by compare-and-set before the provider is told, so a concurrent webhook or a second
 * cancel cannot undo it, and a failed provider call leaves the local cancel standing (the provider's upload
 * then times out by itself). A row already deleted, or an upload the provider already ended, is success.
 */
public final class CancelDirectUpload {

    public sealed interface Outcome {
        record Cancelled() implements Outcome {}

        /** 409 {@code not_cancellable}: {@code value} is the state or ingest mode the reason names. */
        record NotCancellable(Reason reason, Optional<String> value) implements Outcome {}
    }

    public enum Reason { STATE, INGEST_MODE, MISSING_UPLOAD_ID }

    /** How the asset's bytes arrived when it has no provider row. */
    public static final String STORAGE_INGEST = "storage";

    private final Assets assets;
    private final ProviderUploads uploads;
    private final StreamingProvider provider;

    public CancelDirectUpload(Assets assets, ProviderUploads uploads, StreamingProvider provider) {
        this.assets = assets;
        this.uploads = uploads;
        this.provider = provider;
    }

    public Result<Outcome> execute(Principal caller, UUID assetId) {
        Optional<ProviderUpload> found = uploads.findByAsset(assetId, caller);
        if (found.isEmpty()) {
            return assets.find(assetId, caller).isEmpty()
                    ? Result.err(ErrorCode.NOT_FOUND, "no such streaming upload")
                    : Result.ok(new Outcome.NotCancellable(Reason.INGEST_MODE, Optional.of(STORAGE_INGEST)));
        }
        ProviderUpload row = found.get();
        StreamingProvider.Availability availability = provider.availability();
        if (!row.provider().equals(provider.name()) || availability == StreamingProvider.Availability.NOT_CONFIGURED) {
            return Result.err(ErrorCode.STREAMING_NOT_CONFIGURED, "provider '" + row.provider() + "' is not configured");
        }
        if (availability == StreamingProvider.Availability.CREDENTIALS_UNAVAILABLE) {
            // Before the compare-and-set: a cancel that cannot reach the provider is not started at all.
            return Result.err(ErrorCode.PROVIDER_CREDENTIALS_UNAVAILABLE, CreateDirectUpload.CREDENTIALS_UNAVAILABLE);
        }
        Optional<Outcome> settled = settled(row);
        if (settled.isPresent()) {
            return Result.ok(settled.get());
        }
        if (row.providerUploadId().isEmpty()) {
            return Result.ok(new Outcome.NotCancellable(Reason.MISSING_UPLOAD_ID, Optional.empty()));
        }
        if (!uploads.cancel(row.id())) {
            // A webhook or another cancel moved it between the read and the compare-and-set.
            ProviderUpload now = uploads.findByAsset(assetId, caller).orElse(row);
            return Result.ok(settled(now).orElse(new Outcome.NotCancellable(Reason.STATE,
                    Optional.of(now.state().wire()))));
        }
        try {
            provider.cancelUpload(row.providerUploadId().get());
            return Result.ok(new Outcome.Cancelled());
        } catch (StreamingProvider.Failure f) {
            return switch (f.kind()) {
                case QUOTA_EXCEEDED -> Result.err(ErrorCode.PROVIDER_QUOTA_EXCEEDED,
                        "cancelled here; the provider's rate limit was hit, its upload times out by itself");
                case UNAVAILABLE -> Result.err(ErrorCode.PROVIDER_SYNC_FAILED,
                        "cancelled here; the provider did not answer, its upload times out by itself");
            };
        }
    }

    /** The answer for a row that no longer needs a cancel, or empty when it is still open. */
    private static Optional<Outcome> settled(ProviderUpload row) {
        return switch (row.state()) {
            case DELETED, ERRORED -> Optional.of(new Outcome.Cancelled());
            case PROCESSING, READY -> Optional.of(new Outcome.NotCancellable(Reason.STATE,
                    Optional.of(row.state().wire())));
            case PENDING, UPLOADING -> Optional.empty();
        };
    }
}
