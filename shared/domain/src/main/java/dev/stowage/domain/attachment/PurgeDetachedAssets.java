package dev.stowage.domain.attachment;

import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.variant.Variant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Purges assets that lost their last attachment (replaced or detached) once that is older than a grace:
 * first the row says {@code deleted} (a compare-and-set that re-checks, in the same statement, that no
 * attachment references it), then the original and the variants' objects go, then the row. A crash at any
 * step leaves a {@code deleted} row that the next run finishes; an attached asset is never deleted.
 */
public final class PurgeDetachedAssets {
    private static final Logger LOG = Logger.getLogger(PurgeDetachedAssets.class.getName());

    private final Assets assets;
    private final ObjectStore store;
    private final Duration grace;
    private final int batchSize;

    public PurgeDetachedAssets(Assets assets, ObjectStore store, Duration grace, int batchSize) {
        this.assets = assets;
        this.store = store;
        this.grace = grace;
        this.batchSize = batchSize;
    }

    /** How many assets this run removed for good. */
    public int run() {
        for (List<Asset> batch = assets.findDetached(grace, batchSize); !batch.isEmpty();
             batch = assets.findDetached(grace, batchSize)) {
            if (batch.stream().filter(a -> assets.markDeletedIfDetached(a.id(), grace)).count() == 0) {
                break; // every candidate was re-attached meanwhile
            }
        }
        int removed = 0;
        for (List<Asset> batch = assets.findDeleted(batchSize); !batch.isEmpty(); batch = assets.findDeleted(batchSize)) {
            int before = removed;
            for (Asset a : batch) {
                removed += remove(a) ? 1 : 0;
            }
            if (removed == before) {
                break; // storage is failing for the whole batch: the next run retries
            }
        }
        return removed;
    }

    private boolean remove(Asset asset) {
        List<Variant> variants = assets.variantsOf(asset.id());
        try {
            Stream.concat(Stream.of(asset.storageKey(), Optional.of(asset.stagingKey())),
                            variants.stream().map(Variant::storageKey))
                    .flatMap(Optional::stream)
                    .forEach(store::delete);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete the objects of asset " + asset.id() + "; the next run retries", e);
            return false;
        }
        return assets.removeDeleted(asset.id());
    }
}
