package dev.stowage.domain.stagedfile;

import dev.stowage.domain.Principal;
import dev.stowage.domain.port.StagedFiles;

/**
 * Clears the caller's whole registry (Codex's {@code reset}), persisted entries included; each object goes
 * only when no entry of another principal still references it.
 */
public final class ResetStagedFiles {
    private final StagedFiles files;
    private final ReleaseStagedObjects release;
    private final int batchSize;

    public ResetStagedFiles(StagedFiles files, ReleaseStagedObjects release, int batchSize) {
        this.files = files;
        this.release = release;
        this.batchSize = batchSize;
    }

    public ReleaseStagedObjects.Removed execute(Principal caller) {
        return CleanupStagedFiles.drain(() -> files.findAll(caller, batchSize), false, release);
    }
}
