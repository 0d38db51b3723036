package dev.stowage.domain.variant;

import java.util.UUID;

/** One message on the variant work queue: render this variant of this asset under this recipe. */
public record VariantJob(UUID variantId, UUID assetId, String variant, String recipeDigest) {}
