package dev.stowage.domain.port;

import dev.stowage.domain.storage.DriftScan;
import dev.stowage.domain.storage.KeySpace;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The database side of the storage-drift scan and the invariant check: the scan's persisted position and
 * findings, and set-based reads of the rows that name objects under a prefix, in the byte order S3 lists keys in.
 */
public interface StorageDrift {

    /**
     * A row that names an object: an upload session or an asset its staging object, an asset its original, a
     * variant its rendering, an export its file, a staged file its checksum's object.
     */
    record StoredRow(String key, Kind kind, UUID id, String state, Instant updatedAt) {
        public enum Kind { SESSION, ASSET, VARIANT, EXPORT, STAGED_FILE }
    }

    /** The scan's position and findings as last saved. */
    DriftScan load();

    /** Saves {@code next} if nothing saved since {@code current} was loaded; false when another run moved it. */
    boolean save(DriftScan current, DriftScan next);

    /**
     * Up to {@code limit} rows whose key is in {@code space} and after {@code after}, in key (byte) order; a key
     * several rows name comes once per row, and all of them: the last key's rows may take the answer past
     * {@code limit}, so that a page never ends inside a key.
     */
    List<StoredRow> rowsAfter(KeySpace space, Optional<String> after, int limit);

    /** Those of {@code ids} that have an asset row. */
    Set<UUID> existingAssets(Collection<UUID> ids);

    /**
     * Compare-and-set {@code ready → missing} for these variants, only those unchanged since before
     * {@code unchangedBefore}; the ids it changed.
     */
    Set<UUID> markMissing(Collection<UUID> variantIds, Instant unchangedBefore);
}
