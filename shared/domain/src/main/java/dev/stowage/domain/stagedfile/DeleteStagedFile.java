package dev.stowage.domain.stagedfile;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.StagedFiles;
import java.util.List;
import java.util.UUID;

/** Removes one of the caller's entries, and its object when no entry of anyone references it any more. */
public final class DeleteStagedFile {
    private final StagedFiles files;
    private final ReleaseStagedObjects release;

    public DeleteStagedFile(StagedFiles files, ReleaseStagedObjects release) {
        this.files = files;
        this.release = release;
    }

    public Result<StagedFile> execute(Principal caller, UUID id) {
        List<StagedFile> removed = files.find(caller, id)
                .map(entry -> release.remove(List.of(entry), false).entries()).orElse(List.of());
        return removed.isEmpty() ? Result.err(ErrorCode.STAGED_FILE_NOT_FOUND, "no staged file " + id)
                : Result.ok(removed.getFirst()); // empty too when a concurrent delete got there first
    }
}
