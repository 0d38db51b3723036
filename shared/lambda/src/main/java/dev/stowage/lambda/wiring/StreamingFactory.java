package dev.stowage.lambda.wiring;

import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.streaming.ApplyProviderWebhook;
import dev.stowage.domain.streaming.CancelDirectUpload;
import dev.stowage.domain.streaming.CreateDirectUpload;
import dev.stowage.domain.streaming.ExpireProviderUploads;
import dev.stowage.lambda.config.PurgeSettings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Builds the streaming use cases over the one provider adapter (Mux). */
@Factory
public class StreamingFactory {

    @Singleton
    CreateDirectUpload createDirectUpload(Profiles profiles, ProviderUploads uploads, StreamingProvider provider,
                                          Clock clock) {
        return new CreateDirectUpload(profiles, uploads, provider, clock);
    }

    @Singleton
    CancelDirectUpload cancelDirectUpload(Assets assets, ProviderUploads uploads, StreamingProvider provider) {
        return new CancelDirectUpload(assets, uploads, provider);
    }

    @Singleton
    ApplyProviderWebhook applyProviderWebhook(ProviderUploads uploads, StreamingProvider provider) {
        return new ApplyProviderWebhook(uploads, provider);
    }

    @Singleton
    ExpireProviderUploads expireProviderUploads(ProviderUploads uploads, StreamingProvider provider, Profiles profiles,
                                                Clock clock, PurgeSettings purge) {
        return new ExpireProviderUploads(uploads, provider, profiles, clock, purge.batchSize(),
                purge.providerPendingGrace(), purge.providerLookupPages());
    }
}
