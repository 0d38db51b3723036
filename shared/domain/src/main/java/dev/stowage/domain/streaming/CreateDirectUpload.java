package dev.stowage.domain.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Filenames;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.Streaming;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Mints a browser-to-provider upload for a streaming-enabled profile. The asset and a pending provider row
 * are written first, so whatever the provider call does, a row knows about it: a refusal marks the row
 * errored, an outage or timeout leaves it pending for the purger (the provider times its upload out too).
 * Only the provider's upload id is kept; the caller gets the upload URL and the asset id, nothing else.
 */
public final class CreateDirectUpload {
    /** What a streaming asset's claimed type is: the client names none, and the bytes never pass here. */
    public static final String CLAIMED_CONTENT_TYPE = "application/octet-stream";
    public static final String DEFAULT_FILENAME = "upload";
    static final String CREDENTIALS_UNAVAILABLE =
            "the streaming provider's credentials cannot be read right now; try again shortly";

    public record Command(String profile, Optional<String> filename) {}

    public record Created(String uploadUrl, UUID assetId) {}

    private final Profiles profiles;
    private final ProviderUploads uploads;
    private final StreamingProvider provider;
    private final Clock clock;

    public CreateDirectUpload(Profiles profiles, ProviderUploads uploads, StreamingProvider provider, Clock clock) {
        this.profiles = profiles;
        this.uploads = uploads;
        this.provider = provider;
        this.clock = clock;
    }

    /** The marker a streaming asset has where a stored one has its staging key (V10). */
    public static String stagingMarker(UUID assetId) {
        return "streaming/" + assetId;
    }

    public Result<Created> execute(Principal caller, Command command) {
        Optional<Profile> profile = profiles.find(command.profile());
        if (profile.isEmpty()) {
            return Result.err(ErrorCode.UNKNOWN_PROFILE, "no profile named '" + command.profile() + "'");
        }
        Optional<Streaming> streaming = profile.get().streaming();
        if (streaming.isEmpty() || !streaming.get().provider().equals(provider.name())) {
            return Result.err(ErrorCode.STREAMING_NOT_CONFIGURED,
                    "profile '" + profile.get().name() + "' has no configured streaming provider");
        }
        StreamingProvider.Availability availability = provider.availability();
        if (availability == StreamingProvider.Availability.NOT_CONFIGURED) {
            return Result.err(ErrorCode.STREAMING_NOT_CONFIGURED,
                    "profile '" + profile.get().name() + "' has no configured streaming provider");
        }
        if (availability == StreamingProvider.Availability.CREDENTIALS_UNAVAILABLE) {
            return Result.err(ErrorCode.PROVIDER_CREDENTIALS_UNAVAILABLE, CREDENTIALS_UNAVAILABLE);
        }
        String filename = command.filename().orElse(DEFAULT_FILENAME);
        Optional<String> bad = Filenames.problemWith(filename);
        if (bad.isPresent()) {
            return Result.err(ErrorCode.INVALID_FILENAME, bad.get());
        }
        Instant now = clock.instant();
        UUID assetId = UUID.randomUUID();
        ProviderUpload row = ProviderUpload.pending(UUID.randomUUID(), assetId, caller, provider.name(), now);
        uploads.insertWithAsset(Asset.staged(assetId, caller, profile.get().name(), filename, CLAIMED_CONTENT_TYPE,
                0, Optional.empty(), stagingMarker(assetId), now), row);

        StreamingProvider.DirectUpload direct;
        try {
            direct = provider.createDirectUpload(assetId, streaming.get());
        } catch (StreamingProvider.Failure f) {
            return switch (f.kind()) {
                case QUOTA_EXCEEDED -> {
                    uploads.failUpload(row.id(), ErrorCode.PROVIDER_QUOTA_EXCEEDED.code());
                    yield Result.err(ErrorCode.PROVIDER_QUOTA_EXCEEDED, "the streaming provider's rate limit was hit");
                }
                // It may have made the upload before the answer was lost: the row stays pending until it expires.
                case UNAVAILABLE -> Result.err(ErrorCode.PROVIDER_SYNC_FAILED, "the streaming provider did not answer");
            };
        }
        if (!uploads.recordUploadId(row.id(), direct.uploadId())) {
            // Expired while the provider answered: nobody will use this URL.
            cancelQuietly(direct.uploadId());
            return Result.err(ErrorCode.PROVIDER_SYNC_FAILED, "the upload expired before the provider answered");
        }
        return Result.ok(new Created(direct.uploadUrl(), assetId));
    }

    private void cancelQuietly(String uploadId) {
        try {
            provider.cancelUpload(uploadId);
        } catch (RuntimeException e) {
            // best effort: the provider times it out
        }
    }
}
