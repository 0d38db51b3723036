package dev.stowage.domain.variant;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** One derivative of an asset; the row is the truth about its work, whatever the queue says. */
public record Variant(
        UUID id,
        UUID assetId,
        String name,
        VariantState state,
        Optional<String> storageKey,
        Optional<String> failureReason,
        Instant updatedAt) {

    public boolean isReady() {
        return state == VariantState.READY;
    }
}
