package dev.stowage.domain.variant;

import dev.stowage.domain.profile.VariantSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One derivative of an asset; the row is the truth about its work, whatever the queue says.
 * {@code recipeDigest} is the recipe it was last claimed for rendering under, {@code rendition} what the
 * stored rendering is, once there is one.
 */
public record Variant(
        UUID id,
        UUID assetId,
        String name,
        VariantState state,
        Optional<String> recipeDigest,
        Optional<String> storageKey,
        Optional<Rendition> rendition,
        Optional<String> failureReason,
        int attempts,
        Instant updatedAt) {

    /** The stored rendering's type, size in bytes and pixels. */
    public record Rendition(String contentType, long byteSize, int width, int height) {}

    public boolean isReady() {
        return state == VariantState.READY;
    }

    /**
     * The state a caller should see under today's recipe: a ready rendering of another recipe (the profile
     * changed in configuration since) is {@code stale}, and is re-rendered by a requeue.
     */
    public VariantState effectiveState(Optional<VariantSpec> current) {
        if (state == VariantState.READY && current.isPresent()
                && !recipeDigest.equals(Optional.of(current.get().recipeDigest()))) {
            return VariantState.STALE;
        }
        return state;
    }

    /** This variant as a caller should see it under today's recipe (see {@link #effectiveState}). */
    public Variant under(Optional<VariantSpec> current) {
        VariantState seen = effectiveState(current);
        return seen == state ? this
                : new Variant(id, assetId, name, seen, recipeDigest, storageKey, rendition, failureReason, attempts,
                updatedAt);
    }
}
