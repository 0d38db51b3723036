package dev.stowage.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code variants}. */
@MappedEntity("variants")
public record VariantRow(
        @Id UUID id,
        UUID assetId,
        String name,
        String state,
        @Nullable String recipeDigest,
        @Nullable String storageKey,
        @Nullable String contentType,
        @Nullable Long byteSize,
        @Nullable Integer width,
        @Nullable Integer height,
        @Nullable String failureReason,
        int attempts,
        @Nullable Instant queuedAt,
        @Nullable String leaseOwner,
        @Nullable Instant leaseUntil,
        Instant createdAt,
        Instant updatedAt) {}
