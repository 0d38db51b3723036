package dev.stowage.lambda.http;

import dev.stowage.domain.delivery.DeliverAsset;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Locale;

/** {@code GET /v1/assets/{id}/url}: where to fetch the bytes, until when, and what they are. */
@Serdeable
public record DeliveryView(String url, @Nullable Instant expiresAt, @Nullable String variant, String servedFrom) {

    public static DeliveryView of(DeliverAsset.Url u) {
        return new DeliveryView(u.url().toString(), u.expiresAt().orElse(null), u.variant().orElse(null),
                u.servedFrom().name().toLowerCase(Locale.ROOT));
    }
}
