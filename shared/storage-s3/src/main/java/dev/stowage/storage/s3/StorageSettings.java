package dev.stowage.storage.s3;

import dev.stowage.domain.upload.PartPlan;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
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
 * @param multipartCopyThreshold a copy of a larger object is made in parts ({@code UploadPartCopy}, in
 *                               parallel) rather than by one {@code CopyObject}; at most 5 GiB, where
 *                               {@code CopyObject} stops working
 * @param copyPartSize the part size of such a copy (grown when the object would need more than 10,000 parts)
 * @param copyConcurrency how many parts of one copy are in flight at once
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
        @Bindable(defaultValue = "false") boolean pathStyle,
        @Bindable(defaultValue = "64MB") @ReadableBytes long multipartCopyThreshold,
        @Bindable(defaultValue = "64MB") @ReadableBytes long copyPartSize,
        @Bindable(defaultValue = "16") int copyConcurrency) {

    static final String DEFAULT_REGION = "us-east-1";
    static final int MAX_COPY_CONCURRENCY = 64;

    public StorageSettings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalStateException(
                    "stowage.storage.bucket is not set: name the S3 bucket"
                            + " (env STOWAGE_BUCKET, which template.yaml sets)");
        }
        if (isBlank(accessKeyId) != isBlank(secretAccessKey)) {
            throw new IllegalStateException("set both stowage.storage.access-key-id and "
                    + "stowage.storage.secret-access-key, or neither to use the default AWS credentials chain");
        }
        // A part copy's first part must be a full part, and CopyObject refuses sources above 5 GiB.
        if (multipartCopyThreshold < PartPlan.MIN_PART_SIZE || multipartCopyThreshold > S3PartCopy.MAX_SINGLE_COPY) {
            throw new IllegalStateException("stowage.storage.multipart-copy-threshold must be 5MB..5GB, got "
                    + multipartCopyThreshold);
        }
        if (copyPartSize < PartPlan.MIN_PART_SIZE || copyPartSize > PartPlan.MAX_PART_SIZE) {
            throw new IllegalStateException("stowage.storage.copy-part-size must be 5MB..5GB, got " + copyPartSize);
        }
        if (copyConcurrency < 1 || copyConcurrency > MAX_COPY_CONCURRENCY) {
            throw new IllegalStateException("stowage.storage.copy-concurrency must be 1.." + MAX_COPY_CONCURRENCY
                    + ", got " + copyConcurrency);
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
                + ", pathStyle=" + pathStyle + ", multipartCopyThreshold=" + multipartCopyThreshold
                + ", copyPartSize=" + copyPartSize + ", copyConcurrency=" + copyConcurrency + "]";
    }

    private static String defaultRegion() {
        String lambdaRegion = System.getenv("AWS_REGION");
        return isBlank(lambdaRegion) ? DEFAULT_REGION : lambdaRegion;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
