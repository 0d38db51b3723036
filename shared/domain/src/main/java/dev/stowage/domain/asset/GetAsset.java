package dev.stowage.domain.asset;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.variant.Variant;
import java.util.List;
import java.util.UUID;

/** Reads one of the caller's assets with its variants, as they stand under today's recipes. */
public final class GetAsset {

    /** An asset and the states of its variants. */
    public record AssetWithVariants(Asset asset, List<Variant> variants) {}

    private final Assets assets;
    private final Profiles profiles;

    public GetAsset(Assets assets, Profiles profiles) {
        this.assets = assets;
        this.profiles = profiles;
    }

    public Result<AssetWithVariants> execute(Principal caller, UUID assetId) {
        return assets.find(assetId, caller)
                .<Result<AssetWithVariants>>map(a -> Result.ok(new AssetWithVariants(a,
                        profiles.current(a.profile(), assets.variantsOf(a.id())))))
                .orElseGet(() -> Result.err(ErrorCode.ASSET_NOT_FOUND, "no asset " + assetId));
    }

    /**
     * The variants of an asset an answer already holds (complete's, a proxied upload's), as {@link #execute} shows
     * them. Read only for an asset that can have any: an image promoted past {@code available} (promotion plans
     * variants for images alone), so the answer about a document, a video or an asset still in flight costs no read.
     */
    public List<Variant> variantsOf(Asset a) {
        boolean mayHave = switch (a.state()) {
            case PROCESSING, READY, DEGRADED -> a.probe().map(p -> p.kind() == MediaKind.IMAGE).orElse(false);
            default -> false;
        };
        return mayHave ? profiles.current(a.profile(), assets.variantsOf(a.id())) : List.of();
    }
}
