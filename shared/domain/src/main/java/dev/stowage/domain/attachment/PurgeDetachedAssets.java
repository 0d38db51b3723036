package dev.stowage.domain.attachment;

import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.variant.Variant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Purges assets no attachment references once past their grace ({@link UnreferencedGraces}): those that lost
 * their last attachment (replaced or detached), and those never attached at all (an upload nobody claimed):
 * first the row says {@code deleted} (a compare-and-set that re-checks, in the same statement, that no
 * attachment references it), then the original and the variants' objects go (a batch of assets' objects in one
 * batch delete), then the row. A crash at any step leaves a {@code deleted} row that the next run finishes; an
 * attached asset is never deleted.
 */
public final class PurgeDetachedAssets {
    private static final Logger LOG = Logger.getLogger(PurgeDetachedAssets.class.getName());

    private final Assets assets;
    private final ObjectStore store;
    private final UnreferencedGraces graces;
    private final int batchSize;

    public PurgeDetachedAssets(Assets assets, ObjectStore store, UnreferencedGraces graces, int batchSize) {
        this.assets = assets;
        this.store = store;
        this.graces = graces;
        this.batchSize = batchSize;
    }

    /** How many assets this run removed for good. */
    public int run() {
        for (List<Asset> batch = assets.findDetached(graces, batchSize); !batch.isEmpty();
             batch = assets.findDetached(graces, batchSize)) {
            if (batch.stream().filter(a -> assets.markDeletedIfDetached(a.id(), graces)).count() == 0) {
                break; // every candidate was re-attached meanwhile
            }
        }
        int removed = 0;
        for (List<Asset> batch = assets.findDeleted(batchSize); !batch.isEmpty(); batch = assets.findDeleted(batchSize)) {
            int done = remove(batch);
            removed += done;
            if (done == 0) {
                break; // storage is failing for the whole batch: the next run retries
            }
        }
        return removed;
    }

    /**
     * The batch's objects (originals, staging keys, variants) in one batch delete, then the row of each asset whose
     * objects storage confirmed gone; an asset with an object left keeps its {@code deleted} row for the next run.
     */
    private int remove(List<Asset> batch) {
        Map<Asset, List<String>> keys = new LinkedHashMap<>();
        for (Asset asset : batch) {
            keys.put(asset, Stream.concat(Stream.of(asset.storageKey(), Optional.of(asset.stagingKey())),
                            assets.variantsOf(asset.id()).stream().map(Variant::storageKey))
                    .flatMap(Optional::stream).distinct().toList()); // an original may be its staging key too
        }
        ObjectStore.Deletion deletion = store.deleteAll(keys.values().stream().flatMap(List::stream).toList());
        if (!deletion.failed().isEmpty()) {
            LOG.warning(() -> "objects of deleted assets: " + deletion.failureSummary() + "; the next run retries");
        }
        int removed = 0;
        for (Map.Entry<Asset, List<String>> asset : keys.entrySet()) {
            if (asset.getValue().stream().noneMatch(deletion.failed()::containsKey)
                    && removeRow(asset.getKey())) {
                removed++;
            }
        }
        return removed;
    }

    /**
     * One asset's row; a row the database refuses to remove stays {@code deleted} for the next run (and the
     * operator report's residue) instead of failing the run, and with it every purge after it: one asset's bad row
     * once stopped them all (a completed session's check, fixed by V15).
     */
    private boolean removeRow(Asset asset) {
        try {
            return assets.removeDeleted(asset.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove the row of deleted asset " + asset.id()
                    + "; the next run retries", e);
            return false;
        }
    }
}
