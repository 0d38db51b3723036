package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The staged-file registry's bounds: the largest file (S3 takes at most 5 GiB in one PUT, which is what a
 * staged file's presigned URL is), the longest TTL a caller may ask for, how long an upload URL lives, and
 * how old an object no entry references must be before the purger deletes it (an upload may land after its
 * entry was removed, or just before its entry commits).
 */
@Context
@ConfigurationProperties("stowage.staged-files")
public record StagedFileSettings(
        @Bindable(defaultValue = "5368709120") long maxBytes,
        @Bindable(defaultValue = "30d") Duration maxTtl,
        @Bindable(defaultValue = "15m") Duration uploadUrlTtl,
        @Bindable(defaultValue = "1h") Duration orphanGrace) {

    /** S3's single-PUT limit. */
    public static final long S3_MAX_PUT_BYTES = 5L * 1024 * 1024 * 1024;

    public StagedFileSettings {
        if (maxBytes < 1 || maxBytes > S3_MAX_PUT_BYTES) {
            throw Invalid.setting("stowage.staged-files.max-bytes", "must be 1.." + S3_MAX_PUT_BYTES + ", got " + maxBytes);
        }
        if (maxTtl.toSeconds() < 1) {
            throw Invalid.setting("stowage.staged-files.max-ttl", "must be at least 1s, got " + maxTtl);
        }
        if (uploadUrlTtl.toSeconds() < 1 || uploadUrlTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw Invalid.setting("stowage.staged-files.upload-url-ttl", "must be 1s..7d, got " + uploadUrlTtl);
        }
        if (orphanGrace.isNegative()) {
            throw Invalid.setting("stowage.staged-files.orphan-grace", "must not be negative, got " + orphanGrace);
        }
    }
}
