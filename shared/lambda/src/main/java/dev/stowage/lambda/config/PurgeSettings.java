package dev.stowage.lambda.config;

import dev.stowage.domain.attachment.UnreferencedGraces;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The purger's pace: rows per batch (memory stays flat whatever the backlog; 1,000 by default, what S3 takes
 * in one DeleteObjects and returns in one listing page); how old an unknown multipart upload must be before it
 * counts as an orphan; how long an asset that lost its last attachment is kept (an undo window) before it is
 * deleted, and one never attached after it was promoted or quarantined (a client's time between upload and
 * attach); how many bucket keys (and rows) the storage-drift scan looks at per run (it resumes where the last run
 * stopped); how old a pending streaming upload must be before the provider's list is searched for it and how
 * many pages of that list a run reads; and how long a published outbox event is kept before it is deleted.
 */
@Context // built as the context starts, so a bad value stops start-up instead of failing the first run
@ConfigurationProperties("stowage.purge")
public record PurgeSettings(
        @Bindable(defaultValue = "1000") int batchSize,
        @Bindable(defaultValue = "1h") Duration orphanGrace,
        @Bindable(defaultValue = "5m") Duration detachedGrace,
        @Bindable(defaultValue = "1d") Duration unattachedGrace,
        @Bindable(defaultValue = "1000") int driftKeysPerRun,
        @Bindable(defaultValue = "2m") Duration providerPendingGrace,
        @Bindable(defaultValue = "3") int providerLookupPages,
        @Bindable(defaultValue = "7d") Duration outboxRetention) {

    public PurgeSettings {
        if (batchSize < 1 || batchSize > 10_000) {
            throw Invalid.setting("stowage.purge.batch-size", "must be 1..10000, got " + batchSize);
        }
        if (orphanGrace.compareTo(Duration.ofMinutes(1)) < 0) {
            // A session records its upload id just after S3 opens it: a younger upload may be a live one's.
            throw Invalid.setting("stowage.purge.orphan-grace", "must be at least 1m, got " + orphanGrace);
        }
        if (detachedGrace.isNegative()) {
            throw Invalid.setting("stowage.purge.detached-grace", "must not be negative, got " + detachedGrace);
        }
        if (unattachedGrace.compareTo(Duration.ofMinutes(1)) < 0) {
            // Shorter, and an upload could be purged before its client's attach (which then answers 404).
            throw Invalid.setting("stowage.purge.unattached-grace", "must be at least 1m, got " + unattachedGrace);
        }
        if (driftKeysPerRun < 1 || driftKeysPerRun > 100_000) {
            throw Invalid.setting("stowage.purge.drift-keys-per-run", "must be 1..100000, got " + driftKeysPerRun);
        }
        if (providerPendingGrace.compareTo(Duration.ofSeconds(30)) < 0) {
            // A younger pending row may be a create still waiting for the provider's answer.
            throw Invalid.setting("stowage.purge.provider-pending-grace",
                    "must be at least 30s, got " + providerPendingGrace);
        }
        if (providerLookupPages < 1 || providerLookupPages > 50) {
            throw Invalid.setting("stowage.purge.provider-lookup-pages", "must be 1..50, got " + providerLookupPages);
        }
        if (outboxRetention.compareTo(Duration.ofHours(1)) < 0) {
            // A consumer reading GET /v1/events needs time to catch up after the relay published.
            throw Invalid.setting("stowage.purge.outbox-retention", "must be at least 1h, got " + outboxRetention);
        }
    }

    /** The two graces of an asset nobody references, as the purge and the operator report read them. */
    public UnreferencedGraces unreferencedGraces() {
        return new UnreferencedGraces(detachedGrace, unattachedGrace);
    }
}
