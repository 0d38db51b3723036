package dev.stowage.domain.streaming;

import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The purger's part of streaming: provider uploads still pending or uploading past their profile's timeout
 * are marked errored ({@code timed_out}), then cancelled at the provider, best effort (the provider times
 * them out too). A pending row is one whose create call never got the provider's answer: it has no upload
 * id to cancel.
 */
public final class ExpireProviderUploads {
    public static final String TIMED_OUT = "timed_out";

    public record Report(int expired, int providerCancelled, int providerCancelFailed) {
        public static final Report NOTHING = new Report(0, 0, 0);
    }

    private final ProviderUploads uploads;
    private final StreamingProvider provider;
    private final Profiles profiles;
    private final Clock clock;
    private final int batchSize;

    public ExpireProviderUploads(ProviderUploads uploads, StreamingProvider provider, Profiles profiles, Clock clock,
                                 int batchSize) {
        this.uploads = uploads;
        this.provider = provider;
        this.profiles = profiles;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /** {@code dryRun} counts what would expire (one batch per profile) and changes nothing. */
    public Report run(boolean dryRun) {
        Instant now = clock.instant();
        int expired = 0;
        int cancelled = 0;
        int failed = 0;
        for (Profile profile : profiles.all()) {
            if (profile.streaming().isEmpty()) {
                continue;
            }
            Instant before = now.minus(profile.streaming().get().timeout());
            List<ProviderUpload> open = uploads.findOpen(profile.name(), before, batchSize);
            if (dryRun) {
                expired += open.size();
                continue;
            }
            for (ProviderUpload row : open) {
                if (!uploads.failUpload(row.id(), TIMED_OUT)) {
                    continue; // a webhook or a cancel got there first
                }
                expired++;
                StreamingProvider.Availability availability = provider.availability();
                if (row.providerUploadId().isEmpty() || !row.provider().equals(provider.name())
                        || availability == StreamingProvider.Availability.NOT_CONFIGURED) {
                    continue;
                }
                if (availability == StreamingProvider.Availability.CREDENTIALS_UNAVAILABLE) {
                    failed++; // the provider times its upload out by itself
                    continue;
                }
                try {
                    provider.cancelUpload(row.providerUploadId().get());
                    cancelled++;
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        }
        return new Report(expired, cancelled, failed);
    }
}
