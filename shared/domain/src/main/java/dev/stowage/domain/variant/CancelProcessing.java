package dev.stowage.domain.variant;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.Variants;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rindle's {@code cancel_processing}: every queued or processing variant of the caller's asset is cancelled
 * (a worker mid-render loses its claim: the row never names what it may already have stored, which the
 * next render of that recipe overwrites), and the asset settles. With nothing in flight it is a conflict,
 * {@code not_processing}; a cancelled variant can be requeued later.
 */
public final class CancelProcessing {

    /** The variants this call cancelled and the asset's state afterwards. */
    public record Report(List<String> cancelled, AssetState assetState) {}

    private final Assets assets;
    private final Variants variants;

    public CancelProcessing(Assets assets, Variants variants) {
        this.assets = assets;
        this.variants = variants;
    }

    public Result<Report> execute(Principal caller, UUID assetId) {
        Optional<Asset> asset = assets.find(assetId, caller).filter(a -> a.state().servable());
        if (asset.isEmpty()) {
            return Result.err(ErrorCode.ASSET_NOT_FOUND, "no servable asset " + assetId);
        }
        List<Variant> cancelled = variants.cancelOpen(assetId);
        if (cancelled.isEmpty()) {
            return Result.err(ErrorCode.NOT_PROCESSING, "asset " + assetId + " has no queued or processing variant");
        }
        variants.settle(assetId);
        return Result.ok(new Report(cancelled.stream().map(Variant::name).toList(),
                assets.findById(assetId).map(Asset::state).orElse(AssetState.DELETED)));
    }
}
