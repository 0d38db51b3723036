package dev.stowage.domain.variant;

import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.state.Lease;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One message of variant work: render the variant, store it, mark it ready, settle the asset.
 *
 * <p>The row decides, never the message. A message for a variant that is ready, cancelled, failed or
 * gone, for an asset that is no longer servable, or for a recipe that is not today's, renders nothing;
 * a duplicate loses the claim (a compare-and-set from {@code queued}) before it reads a byte. A render the
 * input can never satisfy (too many pixels, a format nobody decodes) fails the variant with its reason;
 * anything else (storage or database unreachable) releases the claim and throws, so the queue redelivers.
 * A worker that dies mid-render leaves a lease that runs out: the purger sends the work again, and after
 * {@code maxAttempts} claims the variant fails instead of looping.
 */
public final class RenderVariant {
    private static final Logger LOG = Logger.getLogger(RenderVariant.class.getName());
    /** Variant keys name their recipe, so their bytes never change: caches may keep them for a year. */
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** What became of a message. */
    public enum Outcome { RENDERED, FAILED, DUPLICATE, DROPPED }

    private final Assets assets;
    private final Variants variants;
    private final ObjectStore store;
    private final VariantRenderer renderer;
    private final Profiles profiles;
    private final Duration lease;
    private final int maxAttempts;

    /**
     * @param lease       how long a claim holds: longer than the worker's timeout, so only a dead worker loses it
     * @param maxAttempts claims after which a variant that never finished is failed
     */
    public RenderVariant(Assets assets, Variants variants, ObjectStore store, VariantRenderer renderer,
                         Profiles profiles, Duration lease, int maxAttempts) {
        this.assets = assets;
        this.variants = variants;
        this.store = store;
        this.renderer = renderer;
        this.profiles = profiles;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
    }

    public Outcome run(VariantJob job) {
        Optional<Variant> found = variants.find(job.variantId());
        if (found.isEmpty()) {
            return dropped(job, "the variant no longer exists (its asset was purged)");
        }
        Variant variant = found.get();
        if (variant.state() != VariantState.QUEUED && variant.state() != VariantState.PROCESSING) {
            // The delivery that ended it may have failed between marking it and settling its asset (the database
            // cut the second statement): settling again finishes that, and changes nothing otherwise.
            settle(variant);
            if (variant.state() == VariantState.READY) {
                LOG.fine(() -> "variant " + job.variantId() + " is ready already: duplicate message");
                return Outcome.DUPLICATE;
            }
            return dropped(job, "the variant is " + variant.state().wire());
        }
        Optional<Asset> asset = assets.findById(variant.assetId())
                .filter(a -> a.state().servable() && a.storageKey().isPresent());
        if (asset.isEmpty()) {
            variants.cancel(variant.id());
            return dropped(job, "its asset is not servable any more");
        }
        Optional<VariantSpec> spec = profiles.find(asset.get().profile()).map(Profile::variants).orElseThrow()
                .stream().filter(s -> s.name().equals(variant.name())).findFirst();
        if (spec.isEmpty()) {
            variants.cancel(variant.id());
            settle(variant);
            return dropped(job, "profile '" + asset.get().profile() + "' no longer has variant '" + variant.name() + "'");
        }
        if (!spec.get().recipeDigest().equals(job.recipeDigest())) {
            // The row stays queued: the purger sends it again with today's recipe.
            return dropped(job, "the message names recipe " + job.recipeDigest() + ", the profile's is now "
                    + spec.get().recipeDigest());
        }
        Lease claim = Lease.fresh(lease);
        boolean claimed;
        try {
            claimed = variants.claim(variant.id(), spec.get().recipeDigest(), claim);
        } catch (RuntimeException lostAnswer) {
            // The claim may have committed with its answer lost: the redelivery would find it claimed, let go,
            // and leave it to the purger's starved-after. Handed back, the redelivery claims it at once.
            throw handBack(variant, claim, lostAnswer);
        }
        if (!claimed) {
            LOG.fine(() -> "variant " + job.variantId() + " is claimed by another delivery: duplicate message");
            return Outcome.DUPLICATE;
        }
        if (variant.attempts() + 1 > maxAttempts) {
            return fail(variant, claim, "render_attempts_exhausted: " + maxAttempts
                    + " attempts never finished (the worker died or timed out each time)");
        }
        return render(variant, asset.get(), spec.get(), claim);
    }

    /**
     * A transient failure while this delivery held (or may hold) the claim: the claim goes back to queued, so the
     * redelivery SQS makes renders at once instead of after the lease; {@code failure} is what to throw.
     */
    private RuntimeException handBack(Variant variant, Lease claim, RuntimeException failure) {
        try {
            variants.release(variant.id(), claim);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private Outcome render(Variant variant, Asset asset, VariantSpec spec, Lease claim) {
        VariantRenderer.Rendering rendering;
        String key = StorageKeys.variant(asset.id(), spec.name(), spec.recipeDigest(), spec.format());
        try {
            rendering = renderer.render(original(asset), spec);
            store.put(key, new java.io.ByteArrayInputStream(rendering.bytes()), rendering.bytes().length,
                    rendering.contentType(), Optional.of(IMMUTABLE));
        } catch (VariantRenderer.Refused refused) {
            return fail(variant, claim, refused.getMessage());
        } catch (ObjectStore.ObjectMissing missing) {
            return fail(variant, claim, "original_missing: the asset's original is not in storage");
        } catch (RuntimeException transientFailure) {
            throw handBack(variant, claim, transientFailure);
        }
        var rendition = new Variant.Rendition(rendering.contentType(), rendering.bytes().length, rendering.width(),
                rendering.height());
        boolean marked;
        try {
            marked = variants.markReady(variant.id(), claim, key, rendition);
        } catch (RuntimeException transientFailure) {
            // The database failed, this worker did not die: the object just stored is at the same key the next
            // render writes.
            throw handBack(variant, claim, transientFailure);
        }
        if (!marked) {
            // Cancelled meanwhile, or this worker outlived its lease and another took over: the row decides.
            // If the row is gone, its asset was purged while this rendered: nothing will ever name the object.
            if (variants.find(variant.id()).isEmpty()) {
                deleteQuietly(key);
            }
            return dropped(new VariantJob(variant.id(), asset.id(), variant.name(), spec.recipeDigest()),
                    "the claim was lost while rendering");
        }
        variant.storageKey().filter(old -> !old.equals(key)).ifPresent(this::deleteQuietly);
        LOG.info(() -> "rendered variant " + variant.name() + " of asset " + asset.id() + " with " + renderer.name()
                + ": " + rendering.width() + "x" + rendering.height() + ", " + rendering.bytes().length + " bytes");
        settle(variant);
        return Outcome.RENDERED;
    }

    private byte[] original(Asset asset) {
        try (InputStream in = store.open(asset.storageKey().orElseThrow())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the original of asset " + asset.id(), e);
        }
    }

    private Outcome fail(Variant variant, Lease claim, String reason) {
        LOG.info(() -> "variant " + variant.name() + " of asset " + variant.assetId() + " failed: " + reason);
        if (variants.markFailed(variant.id(), claim, reason)) {
            settle(variant);
            return Outcome.FAILED;
        }
        return Outcome.DROPPED;
    }

    private void settle(Variant variant) {
        variants.settle(variant.assetId()).ifPresent(state ->
                LOG.info(() -> "asset " + variant.assetId() + " is " + state.wire()));
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete the superseded rendering " + key, e);
        }
    }

    private static Outcome dropped(VariantJob job, String why) {
        LOG.info(() -> "variant message for " + job.variant() + " of asset " + job.assetId() + " dropped: " + why);
        return Outcome.DROPPED;
    }
}
