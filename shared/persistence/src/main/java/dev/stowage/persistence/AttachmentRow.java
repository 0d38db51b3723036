package dev.stowage.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code attachments}. */
@MappedEntity("attachments")
public record AttachmentRow(
        @Id UUID id,
        String principal,
        String ownerType,
        String ownerId,
        String slot,
        UUID assetId,
        Instant createdAt) {}
