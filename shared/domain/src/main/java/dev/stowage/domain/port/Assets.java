package dev.stowage.domain.port;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.variant.Variant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Assets and their variants in the database. Every state change is a compare-and-set. */
public interface Assets {

    void insert(Asset asset);

    Optional<Asset> find(UUID id, Principal owner);

    Optional<Asset> findById(UUID id);

    Optional<Asset> findByStagingKey(String key);

    boolean transition(UUID id, AssetState from, AssetState to);

    /** validating → analyzing, holding the lane under {@code lease}. */
    boolean startAnalyzing(UUID id, Lease lease);

    /** Takes an analyzing lane whose lease has run out: its holder died inside it. */
    boolean takeOverAnalyzing(UUID id, Lease lease);

    /**
     * Gives up an analyzing lane this {@code lease} holds, alive but failed (storage or the database answered
     * with an error): the next run takes it over at once instead of after the lease.
     */
    void releaseAnalyzing(UUID id, Lease lease);

    /** Assets left analyzing with the lease run out, or validating or promoting and untouched for {@code idle}. */
    List<Asset> findStranded(Duration idle, int limit);

    /**
     * Staged assets that no upload session owns (a proxied upload whose request died between storing the
     * row and starting validation), untouched for {@code idle}.
     */
    List<Asset> findOrphanStaged(Duration idle, int limit);

    /** analyzing → {@code to} (promoting or quarantined), storing what probing measured. */
    boolean recordAnalysis(UUID id, ProbeResult probe, AssetState to, Optional<String> quarantineReason);

    /** Replaces the probe fields of a servable asset, nothing else; false if it is not servable. */
    boolean recordProbe(UUID id, ProbeResult probe);

    /**
     * promoting → available with the original's key, then, atomically, → processing with {@code variantNames}
     * inserted as queued variants (their messages are the caller's to send), or → ready when there are none.
     * The queued variants, or empty when another run promoted it first.
     */
    Optional<List<Variant>> promote(UUID id, String storageKey, List<String> variantNames);

    List<Variant> variantsOf(UUID assetId);

    /**
     * Settled or quarantined assets no attachment references, past their grace: detached longer than
     * {@code graces.detached()}, or never attached and settled (promoted or quarantined) longer than
     * {@code graces.unattached()} ago;
     * the longest overdue first.
     */
    List<Asset> findDetached(UnreferencedGraces graces, int limit);

    /**
     * → deleted, only if still past its grace as {@link #findDetached} says and referenced by no attachment when
     * the statement runs (an attach that raced it has cleared both marks, on the row the statement re-reads).
     */
    boolean markDeletedIfDetached(UUID id, UnreferencedGraces graces);

    /** Assets marked deleted whose objects and row are still to go. */
    List<Asset> findDeleted(int limit);

    /** Removes a deleted asset's row (its variants go with it). */
    boolean removeDeleted(UUID id);

    /** Deletes an asset that never got past staged; any other state is left alone. */
    boolean deleteStaged(UUID id);

    /** {@link #deleteStaged(UUID)} for each of {@code ids} in one statement; how many were deleted. */
    int deleteStaged(java.util.Collection<UUID> ids);
}
