package dev.stowage.domain.port;

import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.variant.Variant;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Variant rows: the truth about background rendering. Every state change is a compare-and-set. */
public interface Variants {

    Optional<Variant> find(UUID id);

    List<Variant> ofAsset(UUID assetId);

    /**
     * queued → processing under {@code lease}, or a processing variant whose lease ran out (its worker
     * died); stamps {@code recipeDigest} and counts the attempt. False when another worker holds it or it
     * is in any other state.
     */
    boolean claim(UUID id, String recipeDigest, Lease lease);

    /** processing → ready with the stored rendering, only while {@code lease} still holds it. */
    boolean markReady(UUID id, Lease lease, String storageKey, Variant.Rendition rendition);

    /** processing → failed with a stable reason, only while {@code lease} still holds it. */
    boolean markFailed(UUID id, Lease lease, String reason);

    /** processing → queued: a worker that cannot finish for a transient reason lets the next delivery in. */
    boolean release(UUID id, Lease lease);

    /**
     * In one transaction: each of {@code settled} (failed, cancelled, missing, stale, or ready under an old
     * recipe) → queued if it is still in the state it was read in, {@code missingNames} inserted as queued
     * variants unless the asset has them by now, and the asset → processing if anything was queued. Returns
     * what this call queued; the messages are the caller's to send.
     */
    List<Variant> requeue(UUID assetId, List<Variant> settled, Collection<String> missingNames);

    /** queued or processing → cancelled; false if it is in another state. */
    boolean cancel(UUID id);

    /** Every queued or processing variant of the asset → cancelled; returns the ones this call cancelled. */
    List<Variant> cancelOpen(UUID assetId);

    /**
     * processing → ready when every variant of the asset is ready, → degraded when none is still open
     * (queued, processing, planned) but some failed or were cancelled; the state it moved to, if it moved.
     */
    Optional<AssetState> settle(UUID assetId);

    /**
     * Work that should have been done by now, queued (or last sent again) before {@code idle} ago: still
     * queued (a lost message) or processing with the lease run out (a crashed worker), oldest first.
     */
    List<Variant> findStarved(Duration idle, int limit);

    /** Stamps queued or processing work as queued now (its message was sent again); false in any other state. */
    boolean touchQueued(UUID id);
}
