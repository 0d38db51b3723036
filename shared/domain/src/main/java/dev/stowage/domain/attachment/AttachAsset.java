package dev.stowage.domain.attachment;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.Attachments;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.variant.Variant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Attaches, reads and detaches the caller's assets at slots of the caller's own records. Only a servable
 * asset of the caller's can be attached: a quarantined one, or another principal's, is refused exactly
 * like a missing one. A replaced or detached asset that nothing else references is purged by the purger.
 */
public final class AttachAsset {

    /** An attachment with its asset and the asset's ready variants. */
    public record Attached(Attachment attachment, Asset asset, List<Variant> readyVariants) {}

    private final Attachments attachments;
    private final Assets assets;
    private final Profiles profiles;

    public AttachAsset(Attachments attachments, Assets assets, Profiles profiles) {
        this.attachments = attachments;
        this.assets = assets;
        this.profiles = profiles;
    }

    public Result<Attached> attach(Principal caller, Slot slot, UUID assetId) {
        if (assetId == null) {
            return Result.err(ErrorCode.INVALID_FIELD, "assetId is required");
        }
        return attachments.attach(caller, slot, assetId)
                .map(this::withAsset)
                .orElseGet(() -> Result.err(ErrorCode.ASSET_NOT_FOUND,
                        "no servable asset " + assetId + " (it may still be processing, or be quarantined)"));
    }

    public Result<Attached> find(Principal caller, Slot slot) {
        return attachments.find(caller, slot).map(this::withAsset).orElseGet(() -> notAttached(slot));
    }

    /** Idempotent: detaching an empty slot is a success with nothing to answer. */
    public Optional<Attachment> detach(Principal caller, Slot slot) {
        return attachments.detach(caller, slot);
    }

    private Result<Attached> withAsset(Attachment a) {
        return assets.findById(a.assetId())
                .<Result<Attached>>map(asset -> Result.ok(new Attached(a, asset,
                        profiles.current(asset.profile(), assets.variantsOf(asset.id())).stream()
                                .filter(Variant::isReady).toList())))
                .orElseGet(() -> notAttached(a.slot()));
    }

    private static Result<Attached> notAttached(Slot slot) {
        return Result.err(ErrorCode.ATTACHMENT_NOT_FOUND, "nothing is attached at " + slot.ownerType() + "/"
                + slot.ownerId() + "/" + slot.name());
    }
}
