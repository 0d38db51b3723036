package dev.stowage.lambda.streaming;

import dev.stowage.lambda.config.Invalid;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import java.net.URI;
import java.time.Duration;

/**
 * Mux's Video API: where it is (the local emulator's URL locally), the access token and the webhook signing
 * secret (locally set by the launcher), or on AWS the names of the SSM parameters holding them and how long a
 * read of them is kept (see {@link MuxCredentials}), the HTTP client's timeouts, how old a webhook's
 * signature may be, and how large a webhook body is read at all.
 */
@Context
@ConfigurationProperties("stowage.streaming.mux")
public record MuxSettings(
        @Bindable(defaultValue = "https://api.mux.com") String baseUrl,
        @Nullable String tokenId,
        @Nullable String tokenSecret,
        @Nullable String webhookSecret,
        @Nullable String tokenParameter,
        @Nullable String webhookSigningParameter,
        @Bindable(defaultValue = "5m") Duration credentialsCacheTtl,
        @Bindable(defaultValue = "3s") Duration connectTimeout,
        @Bindable(defaultValue = "10s") Duration requestTimeout,
        @Bindable(defaultValue = "5m") Duration webhookTolerance,
        @Bindable(defaultValue = "256KB") @ReadableBytes int webhookMaxBytes) {

    public MuxSettings {
        try {
            URI uri = URI.create(baseUrl);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw Invalid.setting("stowage.streaming.mux.base-url", "must be an http(s) URL, was '" + baseUrl + "'");
        }
        if (!connectTimeout.isPositive() || !requestTimeout.isPositive()) {
            throw Invalid.setting("stowage.streaming.mux.request-timeout", "timeouts must be positive");
        }
        if (!credentialsCacheTtl.isPositive()) {
            throw Invalid.setting("stowage.streaming.mux.credentials-cache-ttl", "must be positive, got "
                    + credentialsCacheTtl);
        }
        if (!webhookTolerance.isPositive()) {
            throw Invalid.setting("stowage.streaming.mux.webhook-tolerance", "must be positive, got " + webhookTolerance);
        }
        if (webhookMaxBytes < 1024) {
            throw Invalid.setting("stowage.streaming.mux.webhook-max-bytes", "must be at least 1KB, got " + webhookMaxBytes);
        }
    }
}
