package dev.stowage.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code upload_sessions}. */
@MappedEntity("upload_sessions")
public record UploadSessionRow(
        @Id UUID id,
        String owner,
        @Nullable UUID assetId,
        String profile,
        String strategy,
        String state,
        String uploadKey,
        String filename,
        String contentType,
        long byteSize,
        @Nullable String checksumSha256,
        @Nullable String multipartUploadId,
        @Nullable Long partSize,
        @Nullable Integer partCount,
        Instant expiresAt,
        @Nullable String failureReason,
        Instant createdAt,
        Instant updatedAt) {}
