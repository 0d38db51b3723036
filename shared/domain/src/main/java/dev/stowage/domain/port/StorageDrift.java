package dev.stowage.domain.port;

import dev.stowage.domain.storage.DriftScan;
import dev.stowage.domain.storage.DriftScan.Prefix;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The database side of the storage-drift scan: its persisted position and findings, and set-based reads of
 * the rows that name objects under a prefix, in the byte order S3 lists keys in.
 */
public interface StorageDrift {

    /** A row that names an object: an asset's original or a variant's rendering. */
    record StoredRow(String key, Kind kind, UUID id, String state, Instant updatedAt) {
        public enum Kind { ASSET, VARIANT }
    }

    /** The scan's position and findings as last saved. */
    DriftScan load();

    /** Saves {@code next} if nothing saved since {@code current} was loaded; false when another run moved it. */
    boolean save(DriftScan current, DriftScan next);

    /** Up to {@code limit} rows whose key is under {@code prefix} and after {@code after}, in key (byte) order. */
    List<StoredRow> rowsAfter(Prefix prefix, Optional<String> after, int limit);

    /** Those of {@code ids} that have an asset row. */
    Set<UUID> existingAssets(Collection<UUID> ids);

    /**
     * Compare-and-set {@code ready → missing} for these variants, only those unchanged since before
     * {@code unchangedBefore}; the ids it changed.
     */
    Set<UUID> markMissing(Collection<UUID> variantIds, Instant unchangedBefore);
}
