package dev.stowage.domain.attachment;

import dev.stowage.domain.Principal;
import java.time.Instant;
import java.util.UUID;

/** One asset attached at one slot of a principal's record. */
public record Attachment(UUID id, Principal principal, Slot slot, UUID assetId, Instant createdAt) {}
