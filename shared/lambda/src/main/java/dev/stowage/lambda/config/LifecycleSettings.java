package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

/**
 * Lifecycle limits: how many leading bytes probing reads, and the largest proxied upload (the API's
 * payload limit: Lambda takes 6 MB per synchronous request, base64 included).
 */
@ConfigurationProperties("stowage.lifecycle")
public record LifecycleSettings(
        @Bindable(defaultValue = "8MB") @ReadableBytes int probeWindowBytes,
        @Bindable(defaultValue = "4MB") @ReadableBytes long proxiedMaxBytes) {}
