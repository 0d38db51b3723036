package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The purger's pace: rows per batch (memory stays flat whatever the backlog), and how old an
 * unknown multipart upload must be before it counts as an orphan, and how long an asset that lost its
 * last attachment is kept (an undo window) before it is deleted.
 */
@ConfigurationProperties("stowage.purge")
public record PurgeSettings(
        @Bindable(defaultValue = "500") int batchSize,
        @Bindable(defaultValue = "1h") Duration orphanGrace,
        @Bindable(defaultValue = "5m") Duration detachedGrace) {}
