package dev.stowage.domain.variant;

import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The purger's half of "a lost message is not lost work": variants queued for longer than {@code idle}
 * (their message was lost, or never sent because the process died after the commit) or processing with
 * their lease run out (the worker died) get their message sent again, under today's recipe, and their
 * queued time stamped, so the next run leaves them alone until they starve again. A worker that finds one
 * it can no longer render (asset gone, variant no longer in the profile) cancels it.
 */
public final class RequeueStarvedVariants {
    private static final Logger LOG = Logger.getLogger(RequeueStarvedVariants.class.getName());

    private final Assets assets;
    private final Variants variants;
    private final Profiles profiles;
    private final WorkQueue work;
    private final Duration idle;
    private final int batchSize;

    public RequeueStarvedVariants(Assets assets, Variants variants, Profiles profiles, WorkQueue work, Duration idle,
                                  int batchSize) {
        this.assets = assets;
        this.variants = variants;
        this.profiles = profiles;
        this.work = work;
        this.idle = idle;
        this.batchSize = batchSize;
    }

    /** How many messages this run sent again. */
    public int run() {
        int sent = 0;
        Set<UUID> seen = new HashSet<>(); // each starved variant once per run, however short idle is
        for (List<Variant> batch = variants.findStarved(idle, batchSize); seen.addAll(ids(batch));
             batch = variants.findStarved(idle, batchSize)) {
            List<VariantJob> jobs = new ArrayList<>();
            for (Variant v : batch) {
                Optional<VariantSpec> spec = assets.findById(v.assetId()).filter(a -> a.state().servable())
                        .flatMap(a -> spec(a, v.name()));
                if (spec.isEmpty()) {
                    variants.cancel(v.id()); // nothing could ever render it
                    variants.settle(v.assetId());
                } else {
                    jobs.add(new VariantJob(v.id(), v.assetId(), v.name(), spec.get().recipeDigest()));
                }
            }
            try {
                work.enqueue(jobs);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not send starved variant work again; the next run retries", e);
                return sent;
            }
            jobs.forEach(j -> variants.touchQueued(j.variantId()));
            sent += jobs.size();
        }
        return sent;
    }

    private static List<UUID> ids(List<Variant> batch) {
        return batch.stream().map(Variant::id).toList();
    }

    private Optional<VariantSpec> spec(Asset asset, String name) {
        return profiles.find(asset.profile()).map(Profile::variants).orElse(List.of()).stream()
                .filter(s -> s.name().equals(name)).findFirst();
    }
}
