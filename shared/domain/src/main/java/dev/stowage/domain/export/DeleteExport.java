package dev.stowage.domain.export;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.ObjectStore;
import java.time.Clock;
import java.util.UUID;

/** Removes one of the caller's exports: its object first, then the row, so no object outlives its row. */
public final class DeleteExport {
    private final Exports exports;
    private final ObjectStore store;
    private final Clock clock;

    public DeleteExport(Exports exports, ObjectStore store, Clock clock) {
        this.exports = exports;
        this.store = store;
        this.clock = clock;
    }

    public Result<UUID> execute(Principal caller, UUID id) {
        return GetExport.owned(exports, clock, caller, id).map(e -> {
            e.storageKey().ifPresent(store::delete);
            exports.delete(e.id());
            return e.id();
        });
    }
}
