package dev.stowage.domain.stagedfile;

import dev.stowage.domain.Principal;
import dev.stowage.domain.port.StagedFiles;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A cleanup pass over the caller's registry now (Codex's {@code force_cleanup}): its expired entries go, each
 * re-checked under its checksum's lock so one a concurrent stage refreshed stays; persisted entries never
 * expire. Objects go only when no entry of anyone references them.
 */
public final class CleanupStagedFiles {
    private final StagedFiles files;
    private final ReleaseStagedObjects release;
    private final int batchSize;

    public CleanupStagedFiles(StagedFiles files, ReleaseStagedObjects release, int batchSize) {
        this.files = files;
        this.release = release;
        this.batchSize = batchSize;
    }

    public ReleaseStagedObjects.Removed execute(Principal caller) {
        return drain(() -> files.findExpired(Optional.of(caller), batchSize), true, release);
    }

    /** Removes batch after batch until none is left, or a batch removes nothing (all refreshed meanwhile). */
    static ReleaseStagedObjects.Removed drain(Supplier<List<StagedFile>> next, boolean onlyIfExpired,
                                              ReleaseStagedObjects release) {
        ReleaseStagedObjects.Removed total = ReleaseStagedObjects.Removed.NONE;
        for (List<StagedFile> batch = next.get(); !batch.isEmpty(); batch = next.get()) {
            ReleaseStagedObjects.Removed removed = release.remove(batch, onlyIfExpired);
            total = total.plus(removed);
            if (removed.entries().isEmpty()) {
                break;
            }
        }
        return total;
    }
}
