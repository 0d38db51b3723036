package dev.stowage.domain.stagedfile;

import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StagedFiles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The purger's pass over the staged-file registry: expired entries go in batches (re-checked under their
 * checksum's lock, so one refreshed meanwhile stays), with the objects no entry references any more; then
 * objects under {@code staged-files/} older than a grace that no entry references are deleted (an upload
 * whose entry was removed before it landed). Persisted entries are never touched.
 */
public final class PurgeStagedFiles {
    private static final Logger LOG = Logger.getLogger(PurgeStagedFiles.class.getName());
    /** Objects looked at per run; a larger bucket takes several runs. */
    static final int ORPHAN_SCAN_LIMIT = 10_000;

    private final StagedFiles files;
    private final ReleaseStagedObjects release;
    private final ObjectStore store;
    private final Clock clock;
    private final Duration orphanGrace;
    private final int batchSize;

    /** What a run removed. */
    public record Report(int entriesExpired, int objectsDeleted, int orphanObjectsDeleted) {}

    public PurgeStagedFiles(StagedFiles files, ReleaseStagedObjects release, ObjectStore store, Clock clock,
                            Duration orphanGrace, int batchSize) {
        this.files = files;
        this.release = release;
        this.store = store;
        this.clock = clock;
        this.orphanGrace = orphanGrace;
        this.batchSize = batchSize;
    }

    public Report run() {
        int expired = 0;
        int objects = 0;
        for (List<StagedFile> batch = files.findExpired(Optional.empty(), batchSize); !batch.isEmpty();
             batch = files.findExpired(Optional.empty(), batchSize)) {
            ReleaseStagedObjects.Removed removed;
            try {
                removed = release.remove(batch, true);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not release staged files; the next run retries", e);
                break;
            }
            expired += removed.entries().size();
            objects += removed.objectsDeleted();
            if (removed.entries().isEmpty()) {
                break; // refreshed meanwhile
            }
        }
        return new Report(expired, objects, sweepOrphans());
    }

    private int sweepOrphans() {
        Instant cutoff = clock.instant().minus(orphanGrace);
        int deleted = 0;
        int seen = 0;
        Optional<String> after = Optional.empty();
        while (seen < ORPHAN_SCAN_LIMIT) {
            List<ObjectStore.Listed> page = store.list(StorageKeys.STAGED_FILES, after, batchSize);
            if (page.isEmpty()) {
                break;
            }
            List<String> old = page.stream().filter(o -> !o.lastModified().isAfter(cutoff))
                    .map(ObjectStore.Listed::key).toList();
            try {
                deleted += old.isEmpty() ? 0 : release.releaseUnreferenced(old);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not sweep " + old.size() + " staged files' objects from " + old.getFirst()
                        + "; the next run retries", e);
            }
            seen += page.size();
            after = Optional.of(page.getLast().key());
        }
        return deleted;
    }
}
