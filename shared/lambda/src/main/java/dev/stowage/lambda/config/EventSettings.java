package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Lifecycle events: the EventBridge bus the relay publishes to (on AWS, {@code STOWAGE_EVENTS_BUS_NAME}), or a
 * webhook URL it posts each event to (locally); with neither, the relay only logs. {@code source} is the
 * entries' {@code Source}; {@code maxBatches} bounds one relay run (10 events a batch).
 */
@ConfigurationProperties("stowage.events")
public record EventSettings(
        @Nullable String busName,
        @Nullable String webhookUrl,
        @Bindable(defaultValue = "stowage") String source,
        @Bindable(defaultValue = "50") int maxBatches) {

    public EventSettings {
        if (maxBatches < 1) {
            throw Invalid.setting("stowage.events.max-batches", "must be at least 1");
        }
    }
}
