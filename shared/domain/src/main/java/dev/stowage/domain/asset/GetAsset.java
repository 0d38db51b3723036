package dev.stowage.domain.asset;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.variant.Variant;
import java.util.List;
import java.util.UUID;

/** Reads one of the caller's assets with its variants. */
public final class GetAsset {

    /** An asset and the states of its variants. */
    public record AssetWithVariants(Asset asset, List<Variant> variants) {}

    private final Assets assets;

    public GetAsset(Assets assets) {
        this.assets = assets;
    }

    public Result<AssetWithVariants> execute(Principal caller, UUID assetId) {
        return assets.find(assetId, caller)
                .<Result<AssetWithVariants>>map(a -> Result.ok(new AssetWithVariants(a, assets.variantsOf(a.id()))))
                .orElseGet(() -> Result.err(ErrorCode.ASSET_NOT_FOUND, "no asset " + assetId));
    }
}
