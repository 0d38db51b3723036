package dev.stowage.storage.s3;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.net.URI;

/**
 * Where objects live and how to reach them: {@code stowage.storage.*}.
 *
 * @param bucket the one bucket every prefix lives in (required)
 * @param region the signing region; defaults to {@code AWS_REGION} (set on Lambda), else {@code us-east-1}
 * @param endpoint an S3-compatible server to use instead of AWS (local runs and tests)
 * @param accessKeyId static credentials; when absent the SDK's default chain is used (Lambda's role)
 * @param secretAccessKey the secret belonging to {@code accessKeyId}
 * @param pathStyle address the bucket in the path rather than the host name (needed for most local servers)
 */
// @Context so a missing bucket stops the application at start-up, not at the first upload.
@Context
@ConfigurationProperties("stowage.storage")
public record StorageSettings(
        @Nullable String bucket,
        @Nullable String region,
        @Nullable URI endpoint,
        @Nullable String accessKeyId,
        @Nullable String secretAccessKey,
        @Bindable(defaultValue = "false") boolean pathStyle) {

    static final String DEFAULT_REGION = "us-east-1";

    public StorageSettings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalStateException(
                    "stowage.storage.bucket is not set: name the S3 bucket (e.g. env STOWAGE_STORAGE_BUCKET)");
        }
        if (isBlank(accessKeyId) != isBlank(secretAccessKey)) {
            throw new IllegalStateException("set both stowage.storage.access-key-id and "
                    + "stowage.storage.secret-access-key, or neither to use the default AWS credentials chain");
        }
        region = !isBlank(region) ? region : defaultRegion();
        accessKeyId = isBlank(accessKeyId) ? null : accessKeyId;
        secretAccessKey = isBlank(secretAccessKey) ? null : secretAccessKey;
    }

    /** True when static credentials were configured rather than the default chain. */
    public boolean hasStaticCredentials() {
        return accessKeyId != null;
    }

    // Keeps the secret out of logs and exception messages.
    @Override
    public String toString() {
        return "StorageSettings[bucket=" + bucket + ", region=" + region + ", endpoint=" + endpoint
                + ", accessKeyId=" + accessKeyId + ", secretAccessKey=" + (secretAccessKey == null ? null : "***")
                + ", pathStyle=" + pathStyle + "]";
    }

    private static String defaultRegion() {
        String lambdaRegion = System.getenv("AWS_REGION");
        return isBlank(lambdaRegion) ? DEFAULT_REGION : lambdaRegion;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
