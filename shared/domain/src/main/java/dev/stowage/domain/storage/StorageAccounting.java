package dev.stowage.domain.storage;

import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.port.StorageDrift.StoredRow;
import dev.stowage.domain.stagedfile.StagedFile;
import dev.stowage.domain.variant.VariantState;
import java.util.Set;

/**
 * What the bucket and the rows owe each other (docs/architecture.md §3 and §5). Every object is named by a row; a row
 * that promises its object finds it in storage. A row promises its object when a caller may be handed it: a servable
 * asset's original, a ready variant's rendering, a ready export written to storage, a present staged file. A staging
 * object is named by its session (or its proxied asset) but never promised: staging bytes are in flight. The purger's
 * drift scan ({@link ScanStorageDrift}) acts on what these rules find in each page it reads; the invariant check
 * ({@link CheckInvariants}) reports it for the whole bucket.
 */
public final class StorageAccounting {
    private static final Set<String> SERVABLE = Set.of(AssetState.AVAILABLE.wire(), AssetState.PROCESSING.wire(),
            AssetState.READY.wire(), AssetState.DEGRADED.wire());

    private StorageAccounting() {}

    /** Whether this row tells callers its object is in storage. */
    public static boolean promisesObject(StoredRow row) {
        return switch (row.kind()) {
            case SESSION -> false;
            case ASSET -> row.key().startsWith(KeySpace.ASSETS.prefix()) && SERVABLE.contains(row.state());
            case VARIANT -> VariantState.READY.wire().equals(row.state());
            case EXPORT -> ExportState.READY.wire().equals(row.state());
            case STAGED_FILE -> StagedFile.State.PRESENT.wire().equals(row.state());
        };
    }
}
