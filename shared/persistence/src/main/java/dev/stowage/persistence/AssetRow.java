package dev.stowage.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code assets}. */
@MappedEntity("assets")
public record AssetRow(
        @Id UUID id,
        String owner,
        String profile,
        String state,
        String filename,
        String claimedContentType,
        long byteSize,
        @Nullable String checksumSha256,
        String stagingKey,
        @Nullable String storageKey,
        @Nullable String contentType,
        @Nullable String kind,
        @Nullable Integer width,
        @Nullable Integer height,
        @Nullable Integer orientation,
        @Nullable Long durationMs,
        @Nullable Boolean hasVideoTrack,
        @Nullable Boolean hasAudioTrack,
        @Nullable String quarantineReason,
        Instant createdAt,
        Instant updatedAt) {}
