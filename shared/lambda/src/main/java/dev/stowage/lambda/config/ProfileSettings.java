package dev.stowage.lambda.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One profile as configured under {@code stowage.profiles.<name>}. Variants are written compactly,
 * {@code thumb: "200x200 cover jpeg q80"}, and parsed (as is {@code streaming}, when the profile's uploads
 * may go to a streaming provider instead of the bucket) (with the setting named in any error) at start-up.
 */
@EachProperty("stowage.profiles")
public record ProfileSettings(
        @Parameter String name,
        List<String> allowedContentTypes,
        @ReadableBytes long maxBytes,
        @Nullable Map<String, String> variants,
        @Bindable(defaultValue = "signed") String delivery,
        @Bindable(defaultValue = "15m") Duration deliveryTtl,
        @Bindable(defaultValue = "serve_original") String stalePolicy,
        @Bindable(defaultValue = "24h") Duration sessionTtl,
        @Bindable(defaultValue = "15m") Duration signTtl,
        // streaming: {provider: mux, playback-policy: public|signed, cors-origin: URL, timeout: 1h}
        @Nullable Map<String, String> streaming) {}
