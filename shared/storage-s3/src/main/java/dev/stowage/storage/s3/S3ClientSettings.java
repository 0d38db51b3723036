package dev.stowage.storage.s3;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How long the S3 client waits and how often it tries again: {@code stowage.storage.client.*}. Chosen, not the
 * SDK's defaults by accident, so that one stalled S3 call cannot outlast an API function's 28 s (docs/deploy.md,
 * "Timeouts and retries").
 *
 * @param connectTimeout        opening a TCP connection (the SDK's URLConnection default is 2 s)
 * @param readTimeout           silence on an open connection before the attempt fails (the default is 30 s,
 *                              longer than an API function lives)
 * @param apiCallAttemptTimeout one attempt, from sending the request to the response's headers (no default:
 *                              unbounded)
 * @param apiCallTimeout        the whole call, retries and their back-off included (no default: unbounded)
 * @param maxAttempts           attempts per call, the first included, in the SDK's standard retry mode
 *                              (exponential back-off with jitter; 5xx, throttling, timeouts and I/O errors retried)
 */
@Context
@ConfigurationProperties("stowage.storage.client")
public record S3ClientSettings(
        @Bindable(defaultValue = "2s") Duration connectTimeout,
        @Bindable(defaultValue = "10s") Duration readTimeout,
        @Bindable(defaultValue = "10s") Duration apiCallAttemptTimeout,
        @Bindable(defaultValue = "20s") Duration apiCallTimeout,
        @Bindable(defaultValue = "3") int maxAttempts) {

    /** The values above, for a client built outside a context. */
    public static final S3ClientSettings DEFAULTS = new S3ClientSettings(Duration.ofSeconds(2),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20), 3);

    public S3ClientSettings {
        positive("connect-timeout", connectTimeout);
        positive("read-timeout", readTimeout);
        positive("api-call-attempt-timeout", apiCallAttemptTimeout);
        positive("api-call-timeout", apiCallTimeout);
        if (apiCallTimeout.compareTo(apiCallAttemptTimeout) < 0) {
            throw new IllegalStateException("stowage.storage.client.api-call-timeout (" + apiCallTimeout
                    + ") must be at least stowage.storage.client.api-call-attempt-timeout (" + apiCallAttemptTimeout
                    + "): it bounds every attempt together");
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalStateException("stowage.storage.client.max-attempts must be 1..10, got " + maxAttempts);
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || !value.isPositive()) {
            throw new IllegalStateException("stowage.storage.client." + name + " must be positive, got " + value);
        }
    }
}
