package dev.stowage.lambda.http;

import dev.stowage.domain.attachment.AttachAsset;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/** An attachment as the API shows it: where, since when, and the asset with its ready variants. */
@Serdeable
public record AttachmentView(String ownerType, String ownerId, String slot, UUID assetId, Instant attachedAt,
                             AssetView asset) {

    public static AttachmentView of(AttachAsset.Attached a) {
        var slot = a.attachment().slot();
        return new AttachmentView(slot.ownerType(), slot.ownerId(), slot.name(), a.asset().id(),
                a.attachment().createdAt(), AssetView.of(a.asset(), a.readyVariants()));
    }
}
