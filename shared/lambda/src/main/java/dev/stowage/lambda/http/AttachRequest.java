package dev.stowage.lambda.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/** {@code PUT /v1/owners/{ownerType}/{ownerId}/slots/{slot}}: which of the caller's assets to attach. */
@Serdeable
public record AttachRequest(@Nullable UUID assetId) {}
