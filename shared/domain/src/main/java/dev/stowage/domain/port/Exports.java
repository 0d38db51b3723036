package dev.stowage.domain.port;

import dev.stowage.domain.export.Export;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where exports are recorded; small exports' bytes are kept with the row. Every method is its own short
 * transaction, so a row recorded pending is visible to the purger before any byte is written.
 */
public interface Exports {

    /** Records an export before its bytes are written, naming the key they may go to. */
    void insertPending(Export export);

    /**
     * pending → ready with what was written: {@code content} when the bytes are kept in the row (the storage
     * key is then cleared), else they are at the storage key. False when it is no longer pending.
     */
    boolean markReady(UUID id, long byteSize, String checksumSha256, Optional<Long> rowCount,
                      Optional<byte[]> content);

    Optional<Export> find(UUID id);

    /** The inline bytes of a ready export, if it keeps them in the row. */
    Optional<byte[]> content(UUID id);

    /** The principal's unexpired exports, newest first, at most {@code limit}. */
    List<Export> ofPrincipal(String principal, int limit);

    boolean delete(UUID id);

    /** Exports of any state that expired at or before {@code now}, oldest first. */
    List<Export> expired(Instant now, int limit);

    /** Pending exports created before {@code before}, oldest first. */
    List<Export> pendingSince(Instant before, int limit);

    /** pending → failed with {@code reason}; false when it is no longer pending. */
    boolean markFailed(UUID id, String reason);
}
