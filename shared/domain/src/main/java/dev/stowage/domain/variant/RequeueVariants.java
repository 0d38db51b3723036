package dev.stowage.domain.variant;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.MediaKind;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rindle's {@code requeue_variants}: renders again the caller's variants that failed, were cancelled, went
 * missing or are stale (rendered under a recipe the profile has changed since), and plans any the profile
 * has gained. Ready siblings under today's recipe are left alone; queued and processing ones are in
 * flight and counted as skipped. Names the profile does not have are refused.
 */
public final class RequeueVariants {
    private static final Logger LOG = Logger.getLogger(RequeueVariants.class.getName());
    private static final Set<VariantState> REQUEUEABLE =
            EnumSet.of(VariantState.FAILED, VariantState.CANCELLED, VariantState.MISSING, VariantState.STALE);

    /** Which variants were looked at and what became of each. */
    public record Report(List<String> selected, List<String> enqueued, List<String> skipped, List<String> errored) {}

    private final Assets assets;
    private final Variants variants;
    private final Profiles profiles;
    private final WorkQueue work;

    public RequeueVariants(Assets assets, Variants variants, Profiles profiles, WorkQueue work) {
        this.assets = assets;
        this.variants = variants;
        this.profiles = profiles;
        this.work = work;
    }

    public Result<Report> execute(Principal caller, UUID assetId, Optional<List<String>> names) {
        if (names.isPresent() && names.get().stream().anyMatch(n -> n == null || n.isBlank())) {
            return Result.err(ErrorCode.INVALID_FIELD, "variantNames must be variant names");
        }
        Optional<Asset> found = assets.find(assetId, caller).filter(a -> a.state().servable());
        if (found.isEmpty()) {
            return Result.err(ErrorCode.ASSET_NOT_FOUND, "no servable asset " + assetId);
        }
        Asset asset = found.get();
        Profile profile = profiles.find(asset.profile()).orElseThrow();
        boolean image = asset.probe().map(p -> p.kind() == MediaKind.IMAGE).orElse(false);
        Map<String, VariantSpec> specs = new LinkedHashMap<>();
        (image ? profile.variants() : List.<VariantSpec>of()).forEach(s -> specs.put(s.name(), s));
        if (names.isPresent()) {
            List<String> unknown = names.get().stream().filter(n -> !specs.containsKey(n)).distinct().toList();
            if (!unknown.isEmpty()) {
                return Result.err(ErrorCode.UNKNOWN_VARIANT, "asset " + assetId + " has no variant " + unknown
                        + "; its variants are " + List.copyOf(specs.keySet()));
            }
        }
        List<String> selected = names.map(n -> n.stream().distinct().toList()).orElse(List.copyOf(specs.keySet()));
        Map<String, Variant> rows = new LinkedHashMap<>();
        variants.ofAsset(asset.id()).forEach(v -> rows.put(v.name(), v));

        List<Variant> settled = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : selected) {
            Variant row = rows.get(name);
            if (row == null) {
                missing.add(name);
            } else if (REQUEUEABLE.contains(row.effectiveState(Optional.of(specs.get(name))))) {
                settled.add(row);
            } else {
                skipped.add(name); // in flight, or ready under today's recipe
            }
        }
        List<Variant> queued = variants.requeue(asset.id(), settled, missing);
        List<String> enqueued = queued.stream().map(Variant::name).toList();
        settled.stream().map(Variant::name).filter(n -> !enqueued.contains(n)).forEach(skipped::add); // raced
        List<String> errored = new ArrayList<>();
        try {
            if (!queued.isEmpty()) {
                work.enqueue(queued.stream()
                        .map(v -> new VariantJob(v.id(), asset.id(), v.name(), specs.get(v.name()).recipeDigest()))
                        .toList());
            }
        } catch (RuntimeException e) {
            // The rows are queued: the purger sends them again; the caller hears which ones wait for it.
            LOG.log(Level.WARNING, "could not enqueue requeued variants of asset " + asset.id(), e);
            errored.addAll(enqueued);
            return Result.ok(new Report(selected, List.of(), skipped, errored));
        }
        return Result.ok(new Report(selected, enqueued, skipped, errored));
    }
}
