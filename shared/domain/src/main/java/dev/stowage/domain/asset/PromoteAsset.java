package dev.stowage.domain.asset;

import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.variant.Variant;
import dev.stowage.domain.variant.VariantJob;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Takes a validated asset through analysis to promotion: probe the bytes, quarantine what breaks the
 * profile's policy, move the original out of staging, queue its variants and send their work.
 *
 * <p>Safe to run any number of times for one asset: each step is a compare-and-set and only the
 * caller that wins it does the step's work. A run that finds the asset in {@code promoting} finishes
 * the promotion (the copy is idempotent), so a crash between copy and commit is repaired by a replay.
 */
public final class PromoteAsset {
    private static final Logger LOG = Logger.getLogger(PromoteAsset.class.getName());

    private final Assets assets;
    private final ObjectStore store;
    private final MediaProbe probe;
    private final Profiles profiles;
    private final WorkQueue work;
    private final int probeWindowBytes;
    private final Duration lease;
    /** A staged object re-PUT between probe and copy is probed again, this many times in all. */
    private static final int PROBE_ATTEMPTS = 3;
    /** The states a run advances; from any other it changes nothing. */
    private static final Set<AssetState> ADVANCING =
            EnumSet.of(AssetState.VALIDATING, AssetState.ANALYZING, AssetState.PROMOTING);

    /**
     * @param lease how long an analyzing lane is held before another run may take it over; longer than any
     *              function's timeout, so only a dead holder loses it
     */
    public PromoteAsset(Assets assets, ObjectStore store, MediaProbe probe, Profiles profiles, WorkQueue work,
                        int probeWindowBytes, Duration lease) {
        this.assets = assets;
        this.store = store;
        this.probe = probe;
        this.profiles = profiles;
        this.work = work;
        this.probeWindowBytes = probeWindowBytes;
        this.lease = lease;
    }

    /**
     * Advances the asset as far as it can go now and returns it as it stands afterwards: as first read when it
     * was past promotion already (or quarantined), so a replay costs one read.
     */
    public Optional<Asset> run(UUID assetId) {
        Optional<Asset> found = assets.findById(assetId);
        if (found.isEmpty() || !ADVANCING.contains(found.get().state())) {
            return found;
        }
        Asset asset = found.get();
        boolean copiedHere = false;
        Lease held = Lease.fresh(lease);
        if (asset.state() == AssetState.VALIDATING && assets.startAnalyzing(assetId, held)
                || asset.state() == AssetState.ANALYZING && assets.takeOverAnalyzing(assetId, held)) {
            try {
                copiedHere = analyze(asset);
            } catch (RuntimeException e) {
                release(assetId, held, e);
                throw e;
            }
            asset = assets.findById(assetId).orElseThrow();
        }
        if (asset.state() == AssetState.PROMOTING) {
            finishPromotion(asset, copiedHere);
        }
        return assets.findById(assetId);
    }

    /**
     * A run that failed (storage or the database erred; it did not die) hands the lane back, so the caller's
     * retry, the event's redelivery or the purger takes it over now rather than once the lease runs out. If even
     * that fails, the lease runs out as for a run that died.
     */
    private void release(UUID assetId, Lease held, RuntimeException failure) {
        try {
            assets.releaseAnalyzing(assetId, held);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Probes the staged bytes and, when the profile takes them, copies exactly the version the probe read
     * to the asset's original, with the sniffed type: what was probed is what gets promoted, whatever the
     * uploader PUTs to staging meanwhile (its presigned URL is still valid). Bytes that landed at the original
     * (a multipart upload Stowage assembled there, which nobody can write again) stay where they are: nothing is
     * copied, whatever their size, and delivery names the sniffed type in each URL it signs. Then records the
     * outcome. True when this run put the original in place.
     */
    private boolean analyze(Asset asset) {
        Profile profile = profiles.find(asset.profile()).orElseThrow(
                () -> new IllegalStateException("asset " + asset.id() + " names unknown profile " + asset.profile()));
        for (int attempt = 1; ; attempt++) {
            ObjectStore.Slice head = store.read(asset.stagingKey(), 0, probeWindowBytes);
            Analysis analysis = measure(asset, head.bytes());
            Optional<String> reason = analysis.refusal()
                    .or(() -> quarantineReason(profile, analysis.recorded(), asset.byteSize()));
            if (reason.isEmpty() && !asset.stagedAtOriginal()) {
                try {
                    store.copy(new ObjectStore.CopySpec(asset.stagingKey(), head.etag(), asset.byteSize(),
                            StorageKeys.original(asset.id()), analysis.recorded().contentType()));
                } catch (ObjectStore.ObjectChanged swapped) {
                    if (attempt < PROBE_ATTEMPTS) {
                        continue; // re-PUT between probe and copy: probe the version that is there now
                    }
                    reason = Optional.of("unstable_upload: the object kept changing while it was analysed");
                }
            }
            AssetState next = reason.isPresent() ? AssetState.QUARANTINED : AssetState.PROMOTING;
            reason.ifPresent(why -> LOG.info(() -> "quarantined asset " + asset.id() + ": " + why));
            boolean recorded = assets.recordAnalysis(asset.id(), analysis.recorded(), next, reason);
            if (recorded && reason.isPresent()) {
                deleteStaging(asset); // quarantined bytes are never served, so nothing needs them
            }
            return reason.isEmpty();
        }
    }

    /** What gets recorded of a probe, and why the bytes are refused before any policy applies, if they are. */
    private record Analysis(ProbeResult recorded, Optional<String> refusal) {}

    private Analysis measure(Asset asset, byte[] head) {
        try {
            ProbeResult measured = probe.probe(head, asset.byteSize());
            // Nothing implausible reaches the database: a refused file keeps only its type.
            return measured.implausibility()
                    .map(why -> new Analysis(measured.typeOnly(), Optional.of("unreadable_media: " + why)))
                    .orElseGet(() -> new Analysis(measured, Optional.empty()));
        } catch (RuntimeException e) {
            // A parser that trips on hostile bytes must not strand the asset in analyzing or answer 500.
            LOG.log(Level.WARNING, "probe failed on asset " + asset.id(), e);
            return new Analysis(ProbeResult.of("application/octet-stream", MediaKind.OTHER),
                    Optional.of("unreadable_media: the bytes could not be read as the media they claim to be"));
        }
    }

    /** Why the measured file breaks the profile's policy, if it does. */
    static Optional<String> quarantineReason(Profile profile, ProbeResult measured, long byteSize) {
        if (!profile.allows(measured.contentType())) {
            return Optional.of("content_type_not_allowed: the bytes are " + measured.contentType()
                    + ", which profile '" + profile.name() + "' does not accept");
        }
        if (byteSize > profile.maxBytes()) {
            return Optional.of("too_large: " + byteSize + " bytes exceeds " + profile.maxBytes());
        }
        return Optional.empty();
    }

    /**
     * Commits a promotion whose original is in place (or puts it there, for rows from before pinning).
     * A run that has just copied it skips the HEAD: no extra S3 round trip on the common path.
     */
    private void finishPromotion(Asset asset, boolean copiedHere) {
        String originalKey = StorageKeys.original(asset.id());
        if (!copiedHere && store.head(originalKey).isEmpty()) {
            // Only an asset analysed before copies were made during analysis lacks its original here.
            ObjectStore.ObjectInfo staged = store.head(asset.stagingKey())
                    .orElseThrow(() -> new ObjectStore.ObjectMissing(asset.stagingKey()));
            store.copy(new ObjectStore.CopySpec(asset.stagingKey(), staged.etag(), staged.size(), originalKey,
                    asset.probe().map(ProbeResult::contentType).orElse("application/octet-stream")));
        }
        List<VariantSpec> specs = variantsFor(asset);
        Optional<List<Variant>> queued = assets.promote(asset.id(), originalKey,
                specs.stream().map(VariantSpec::name).toList());
        if (queued.isPresent()) {
            if (!asset.stagedAtOriginal()) {
                deleteStaging(asset);
            }
            send(queued.get(), specs);
        }
    }

    /** The profile's variants apply to images; a PDF or an MP4 in a profile with variants has none to render. */
    private List<VariantSpec> variantsFor(Asset asset) {
        boolean image = asset.probe().map(p -> p.kind() == MediaKind.IMAGE).orElse(false);
        return image ? profiles.find(asset.profile()).map(Profile::variants).orElse(List.of()) : List.of();
    }

    /**
     * One message per queued variant, after the rows committed. A send that fails leaves them queued: the
     * purger sends again for work queued too long, so the promotion stands and its caller hears success.
     */
    private void send(List<Variant> queued, List<VariantSpec> specs) {
        if (queued.isEmpty()) {
            return;
        }
        Map<String, String> recipes = specs.stream()
                .collect(Collectors.toMap(VariantSpec::name, VariantSpec::recipeDigest));
        try {
            work.enqueue(queued.stream()
                    .map(v -> new VariantJob(v.id(), v.assetId(), v.name(), recipes.get(v.name()))).toList());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not enqueue the variants of asset " + queued.getFirst().assetId()
                    + "; they stay queued and the purger sends them again", e);
        }
    }

    private void deleteStaging(Asset asset) {
        try {
            store.delete(asset.stagingKey());
        } catch (RuntimeException e) {
            // The purger removes staging residue; the outcome itself is already committed.
            LOG.log(Level.WARNING, "could not delete staging object " + asset.stagingKey(), e);
        }
    }
}
