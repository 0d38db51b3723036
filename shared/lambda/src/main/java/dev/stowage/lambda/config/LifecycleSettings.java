package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

/**
 * Lifecycle limits: how many leading bytes probing reads, and the largest proxied upload (the API's
 * payload limit: Lambda takes 6 MB per synchronous request, base64 included), and how long {@code complete} (or a
 * proxied upload) waits for an S3 event that holds the verification lane (well inside API Gateway's 30 s), and the lease on
 * a transient state's lane (verifying, analyzing): longer than the longest function timeout (upload-events,
 * 300 s), so a lane is only taken over from a holder that Lambda has certainly stopped. {@code complete}
 * verifies and promotes an upload of at most {@code completeInlineMaxBytes} itself; a larger staged one (hashing a
 * multipart object, copying it) could outlast the API function, so the S3 event's lane (300 s) does it and
 * {@code complete} answers 202 with the upload in flight. One assembled at its original has neither to do.
 */
@Context // built as the context starts, so a bad value stops start-up instead of failing a request
@ConfigurationProperties("stowage.lifecycle")
public record LifecycleSettings(
        @Bindable(defaultValue = "8MB") @ReadableBytes int probeWindowBytes,
        @Bindable(defaultValue = "4MB") @ReadableBytes long proxiedMaxBytes,
        @Bindable(defaultValue = "10s") java.time.Duration completeWait,
        @Bindable(defaultValue = "10m") java.time.Duration lease,
        @Bindable(defaultValue = "64MB") @ReadableBytes long completeInlineMaxBytes) {

    public LifecycleSettings {
        if (probeWindowBytes < 64 * 1024) {
            throw Invalid.setting("stowage.lifecycle.probe-window-bytes", "must be at least 64KB, got " + probeWindowBytes);
        }
        if (proxiedMaxBytes < 1) {
            throw Invalid.setting("stowage.lifecycle.proxied-max-bytes", "must be positive, got " + proxiedMaxBytes);
        }
        if (completeWait.isNegative() || completeWait.compareTo(java.time.Duration.ofSeconds(20)) > 0) {
            // The API functions stop at 28 s; complete must answer well before.
            throw Invalid.setting("stowage.lifecycle.complete-wait", "must be 0s..20s, got " + completeWait);
        }
        if (!lease.isPositive()) {
            throw Invalid.setting("stowage.lifecycle.lease", "must be positive, got " + lease);
        }
        if (completeInlineMaxBytes < 0) {
            throw Invalid.setting("stowage.lifecycle.complete-inline-max-bytes",
                    "must not be negative, got " + completeInlineMaxBytes);
        }
    }
}
