package dev.stowage.lambda.config;

import dev.stowage.domain.export.ExportLimits;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Exports: the signing secret (and the previous one with the instant it stops being accepted, for a
 * rotation) when configuration holds it (locally, in tests), or else the SSM parameter that holds them (on
 * AWS) and how long a read of it is kept; what is kept in the row (5MB, as Cyclium; never more than a Lambda
 * answer can carry), the hard ceiling, the part size of the multipart upload larger exports stream into, TTLs,
 * how long one writer may hold a pending export (longer than the exports function's and the export-worker's
 * timeouts), the largest inventory written inside the API call (more rows are queued for the export-worker),
 * how long queued work waits before the purger sends it again, how many claims it gets, and its deadline. The secret is
 * checked when the download signer is built (only the exports function needs it), the rest as the context
 * starts.
 */
@Context
@ConfigurationProperties("stowage.exports")
public record ExportSettings(
        @Nullable String secret,
        @Nullable String previousSecret,
        @Nullable String previousSecretValidUntil,
        @Nullable String signingParameter,
        @Bindable(defaultValue = "5m") Duration signingCacheTtl,
        @Bindable(defaultValue = "5MB") @ReadableBytes long inlineMaxBytes,
        @Bindable(defaultValue = "2GB") @ReadableBytes long maxBytes,
        @Bindable(defaultValue = "8MB") @ReadableBytes int partBytes,
        @Bindable(defaultValue = "7d") Duration defaultTtl,
        @Bindable(defaultValue = "30d") Duration maxTtl,
        @Bindable(defaultValue = "15m") Duration linkTtl,
        @Bindable(defaultValue = "15m") Duration pendingLease,
        @Bindable(defaultValue = "100") int listLimit,
        @Bindable(defaultValue = "100000") long syncMaxRows,
        @Bindable(defaultValue = "5m") Duration requeueAfter,
        @Bindable(defaultValue = "3") int maxAttempts,
        @Bindable(defaultValue = "3h") Duration queuedDeadline) {

    public ExportSettings {
        if (inlineMaxBytes < 0) {
            throw Invalid.setting("stowage.exports.inline-max-bytes", "must not be negative, got " + inlineMaxBytes);
        }
        if (maxBytes < 1) {
            throw Invalid.setting("stowage.exports.max-bytes", "must be positive, got " + maxBytes);
        }
        if (partBytes < ExportLimits.MIN_PART_BYTES || partBytes > 64 * 1024 * 1024) {
            throw Invalid.setting("stowage.exports.part-bytes", "must be 5MB..64MB, got " + partBytes);
        }
        if (!defaultTtl.isPositive() || defaultTtl.compareTo(maxTtl) > 0) {
            throw Invalid.setting("stowage.exports.default-ttl", "must be positive and at most max-ttl, got "
                    + defaultTtl);
        }
        if (!linkTtl.isPositive() || linkTtl.compareTo(Duration.ofDays(7)) > 0) {
            // SigV4 presigned URLs live at most 7 days.
            throw Invalid.setting("stowage.exports.link-ttl", "must be positive and at most 7d, got " + linkTtl);
        }
        if (pendingLease.compareTo(Duration.ofMinutes(1)) < 0) {
            throw Invalid.setting("stowage.exports.pending-lease", "must be at least 1m, got " + pendingLease);
        }
        if (listLimit < 1 || listLimit > 1000) {
            throw Invalid.setting("stowage.exports.list-limit", "must be 1..1000, got " + listLimit);
        }
        if (syncMaxRows < 0) {
            throw Invalid.setting("stowage.exports.sync-max-rows", "must not be negative, got " + syncMaxRows);
        }
        if (!requeueAfter.isPositive()) {
            throw Invalid.setting("stowage.exports.requeue-after", "must be positive, got " + requeueAfter);
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw Invalid.setting("stowage.exports.max-attempts", "must be 1..100, got " + maxAttempts);
        }
        if (queuedDeadline.compareTo(pendingLease) <= 0) {
            throw Invalid.setting("stowage.exports.queued-deadline", "must be longer than pending-lease ("
                    + pendingLease + "), got " + queuedDeadline);
        }
        if (previousSecret != null && !previousSecret.isEmpty()) {
            previousUntil(previousSecretValidUntil);
        }
        if (signingCacheTtl.compareTo(Duration.ofSeconds(1)) < 0 || signingCacheTtl.compareTo(Duration.ofHours(1)) > 0) {
            // Rotations reach warm functions only when it runs out: the grace window must be longer.
            throw Invalid.setting("stowage.exports.signing-cache-ttl", "must be 1s..1h, got " + signingCacheTtl);
        }
    }

    public ExportLimits limits() {
        return new ExportLimits(inlineMaxBytes, maxBytes, partBytes, defaultTtl, maxTtl, linkTtl, pendingLease,
                listLimit, syncMaxRows);
    }

    /** When tokens of the previous secret stop being accepted; required with a previous secret. */
    public static Instant previousUntil(String value) {
        if (value == null || value.isBlank()) {
            throw Invalid.setting("stowage.exports.previous-secret-valid-until",
                    "is required with previous-secret (an ISO-8601 instant)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Invalid.setting("stowage.exports.previous-secret-valid-until",
                    "must be an ISO-8601 instant, got " + value);
        }
    }
}
