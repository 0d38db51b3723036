package dev.stowage.domain.port;

import dev.stowage.domain.export.Export;
import dev.stowage.domain.state.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where exports are recorded; small exports' bytes are kept with the row. Every method is its own short
 * transaction, so a row recorded pending is visible to the purger before any byte is written.
 */
public interface Exports {

    /** Records an export before the API call writes its bytes, naming the key they may go to. */
    void insertPending(Export export);

    /**
     * Records an asset inventory export pending and queued for the export-worker, with its filter; no
     * worker holds it yet.
     */
    void insertQueued(Export export, AssetInventory.Filter filter);

    /** A queued export as a worker reads it back: the row, the inventory's filter, the claims so far. */
    record Queued(Export export, AssetInventory.Filter filter, int attempts) {}

    /** The export if it was queued for the export-worker (whatever its state now). */
    Optional<Queued> findQueued(UUID id);

    /**
     * A queued pending export, free or with its lease run out → held by {@code lease}, counting the attempt.
     * False when another holds it, it is no longer pending, or it has expired.
     */
    boolean claim(UUID id, Lease lease);

    /** Gives up {@code lease}'s claim on a pending export, so the next delivery can take it at once. */
    boolean release(UUID id, Lease lease);

    /**
     * pending → ready with what was written: {@code content} when the bytes are kept in the row (the storage
     * key is then cleared), else they are at the storage key. {@code claim} is the worker's lease for a
     * queued export, empty for the API call's own (which no worker ever holds). False when it is no longer
     * pending or no longer held by that claim.
     */
    boolean markReady(UUID id, Optional<Lease> claim, long byteSize, String checksumSha256,
                      Optional<Long> rowCount, Optional<byte[]> content);

    Optional<Export> find(UUID id);

    /** The inline bytes of a ready export, if it keeps them in the row. */
    Optional<byte[]> content(UUID id);

    /** The principal's unexpired exports, newest first, at most {@code limit}. */
    List<Export> ofPrincipal(String principal, int limit);

    boolean delete(UUID id);

    /** Of {@code ids}, deletes those still expired at {@code now} (one statement); how many it deleted. */
    int deleteExpired(Collection<UUID> ids, Instant now);

    /** Exports of any state that expired at or before {@code now}, oldest first. */
    List<Export> expired(Instant now, int limit);

    /** Pending exports the API call writes (not queued ones), created before {@code before}, oldest first. */
    List<Export> pendingSince(Instant before, int limit);

    /** Pending queued exports created before {@code before} (past their deadline), oldest first. */
    List<Export> queuedSince(Instant before, int limit);

    /**
     * Ids of pending queued exports that nobody holds (free, or the lease ran out) and whose message was
     * last sent more than {@code idle} ago: the message was lost or the worker died. Oldest first.
     */
    List<UUID> starved(Duration idle, int limit);

    /** Stamps a queued export's message as sent now, so the purger leaves it alone until it starves again. */
    boolean touchQueued(UUID id);

    /** pending → failed with {@code reason}; false when it is no longer pending. */
    boolean markFailed(UUID id, String reason);

    /** pending → failed with {@code reason}, only while {@code claim} holds it. */
    boolean markFailed(UUID id, Lease claim, String reason);
}
