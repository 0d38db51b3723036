package dev.stowage.domain.stagedfile;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.StagedFiles;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a caller does to its own registry besides staging: delete one entry, run a cleanup pass now (its
 * expired entries; Codex's {@code force_cleanup}), reset it (every entry; Codex's {@code reset}), read its
 * metrics. Objects go only when no entry of anyone references them; persisted entries survive cleanup.
 */
public final class ManageStagedFiles {
    private final StagedFiles files;
    private final ReleaseStagedObjects release;
    private final int batchSize;

    public ManageStagedFiles(StagedFiles files, ReleaseStagedObjects release, int batchSize) {
        this.files = files;
        this.release = release;
        this.batchSize = batchSize;
    }

    public Result<StagedFile> delete(Principal caller, UUID id) {
        Optional<StagedFile> entry = files.find(caller, id);
        if (entry.isEmpty()) {
            return Result.err(ErrorCode.STAGED_FILE_NOT_FOUND, "no staged file " + id);
        }
        List<StagedFile> removed = release.remove(List.of(entry.get()), false).entries();
        return removed.isEmpty() ? Result.err(ErrorCode.STAGED_FILE_NOT_FOUND, "no staged file " + id)
                : Result.ok(removed.getFirst());
    }

    public ReleaseStagedObjects.Removed cleanup(Principal caller) {
        return drain(() -> files.findExpired(Optional.of(caller), batchSize), true);
    }

    public ReleaseStagedObjects.Removed reset(Principal caller) {
        return drain(() -> files.findAll(caller, batchSize), false);
    }

    public StagedFiles.Metrics metrics(Principal caller) {
        return files.metrics(caller);
    }

    private ReleaseStagedObjects.Removed drain(java.util.function.Supplier<List<StagedFile>> next,
                                               boolean onlyIfExpired) {
        ReleaseStagedObjects.Removed total = ReleaseStagedObjects.Removed.NONE;
        for (List<StagedFile> batch = next.get(); !batch.isEmpty(); batch = next.get()) {
            ReleaseStagedObjects.Removed removed = release.remove(batch, onlyIfExpired);
            total = total.plus(removed);
            if (removed.entries().isEmpty()) {
                break; // every candidate was refreshed meanwhile
            }
        }
        return total;
    }
}
