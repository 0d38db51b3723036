package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Variant work: which queue carries it ({@code sqs} on AWS, {@code local} in the local stack, {@code
 * recording} in tests), the claim a worker holds while rendering (longer than the worker's timeout, so only
 * a dead worker loses it), how many claims a variant gets before it fails, how long queued work waits before
 * the purger sends its message again, and the pixel budget: an input whose header declares more pixels is
 * refused before it is decoded.
 */
@Context // built as the context starts, so a bad value stops start-up instead of failing a render
@ConfigurationProperties("stowage.variants")
public record VariantSettings(
        @Bindable(defaultValue = "sqs") String queue,
        @Bindable(defaultValue = "3m") Duration lease,
        @Bindable(defaultValue = "5") int maxAttempts,
        @Bindable(defaultValue = "10m") Duration starvedAfter,
        @Bindable(defaultValue = "100000000") long maxPixels) {

    public VariantSettings {
        if (!java.util.Set.of("sqs", "local", "recording").contains(queue)) {
            throw Invalid.setting("stowage.variants.queue", "must be sqs, local or recording, got " + queue);
        }
        if (!lease.isPositive()) {
            throw Invalid.setting("stowage.variants.lease", "must be positive, got " + lease);
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw Invalid.setting("stowage.variants.max-attempts", "must be 1..100, got " + maxAttempts);
        }
        if (!starvedAfter.isPositive()) {
            throw Invalid.setting("stowage.variants.starved-after", "must be positive, got " + starvedAfter);
        }
        if (maxPixels < 1) {
            throw Invalid.setting("stowage.variants.max-pixels", "must be positive, got " + maxPixels);
        }
    }
}
