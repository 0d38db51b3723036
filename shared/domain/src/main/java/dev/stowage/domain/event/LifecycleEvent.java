package dev.stowage.domain.event;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One lifecycle outcome from the outbox. {@code id} is generated once with the outbox row and never changes,
 * so a consumer dedupes on it; {@code seq} is the outbox's order and the cursor of {@code GET /v1/events}.
 * The principal appears only as its SHA-256 digest (hex).
 */
public record LifecycleEvent(long seq, UUID id, String type, Instant occurredAt, String principalDigest,
                             Optional<String> profile, UUID subjectId, Optional<UUID> assetId,
                             Optional<UUID> sessionId, Optional<String> variantName, Optional<String> reason) {}
