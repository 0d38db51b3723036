package dev.stowage.lambda.events;

import dev.stowage.domain.variant.VariantJob;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/** A variant work message body on the wire: {@code {"variantId","assetId","variant","recipe"}}. */
@Serdeable
public record VariantMessage(@Nullable String variantId, @Nullable String assetId, @Nullable String variant,
                             @Nullable String recipe) {

    public static VariantMessage of(VariantJob job) {
        return new VariantMessage(job.variantId().toString(), job.assetId().toString(), job.variant(),
                job.recipeDigest());
    }

    public static String encode(JsonMapper json, VariantJob job) {
        try {
            return json.writeValueAsString(of(job));
        } catch (IOException e) {
            throw new IllegalStateException("a variant message always encodes", e);
        }
    }

    /** The job a body names, or empty when it is not a variant message (poison: no redelivery fixes it). */
    public static Optional<VariantJob> decode(JsonMapper json, String body) {
        try {
            VariantMessage m = json.readValue(body == null ? "" : body, VariantMessage.class);
            if (m == null || m.variantId() == null || m.assetId() == null || m.variant() == null || m.recipe() == null) {
                return Optional.empty();
            }
            return Optional.of(new VariantJob(UUID.fromString(m.variantId()), UUID.fromString(m.assetId()),
                    m.variant(), m.recipe()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
