package dev.stowage.domain.export;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.state.Lease;
import java.util.Optional;

/**
 * The one way an export's bytes are written, for the API call ({@link CreateExport}) and the export-worker
 * ({@link GenerateExport}) alike: through an {@link ExportSink}, then pending → ready under the writer's
 * claim. Whatever fails, nothing is left in storage under the export's key; the row is the caller's to settle.
 */
final class ExportWriter {
    private final Exports exports;
    private final AssetInventory inventory;
    private final MultipartStore multipart;
    private final ObjectStore store;
    private final ExportLimits limits;

    ExportWriter(Exports exports, AssetInventory inventory, MultipartStore multipart, ObjectStore store,
                 ExportLimits limits) {
        this.exports = exports;
        this.inventory = inventory;
        this.multipart = multipart;
        this.store = store;
        this.limits = limits;
    }

    /**
     * Writes {@code pending}'s bytes and marks it ready: the ready export, or {@code too_large} (past the
     * ceiling), or {@code storage_unavailable} when the row was no longer pending under {@code claim} once
     * written (the purger failed it, it expired). Throws on a transient failure (database, storage).
     */
    Result<Export> write(Export pending, CreateExport.Source source, Optional<Lease> claim) {
        String key = pending.storageKey().orElse(Export.keyOf(pending.id()));
        ExportSink sink = new ExportSink(multipart, key, pending.contentType(), limits);
        ExportSink.Written written;
        Optional<Long> rows = Optional.empty();
        try {
            switch (source) {
                case CreateExport.Source.Inline inline -> sink.write(inline.bytes(), 0, inline.bytes().length);
                case CreateExport.Source.Inventory inv -> rows = Optional.of(
                        inventory.write(pending.principal(), inv.filter(), pending.format(), sink));
            }
            written = sink.finish();
        } catch (RuntimeException e) {
            sink.abandon();
            if (sink.spilled()) {
                store.delete(key);
            }
            if (causedByTooLarge(e)) {
                return Result.err(ErrorCode.TOO_LARGE, "the export is larger than " + limits.maxBytes() + " bytes");
            }
            throw e;
        }
        if (!exports.markReady(pending.id(), claim, written.byteSize(), written.checksumSha256(), rows,
                written.inline())) {
            // The purger failed it as abandoned while we wrote: its object is not ours to keep.
            store.delete(key);
            return Result.err(ErrorCode.STORAGE_UNAVAILABLE, "the export took longer than "
                    + limits.pendingLease() + " to write; try a smaller one");
        }
        Export ready = pending.ready(written.byteSize(), written.checksumSha256(), rows);
        return Result.ok(written.inline().isPresent() ? ready.inRow() : ready);
    }

    private static boolean causedByTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExportSink.TooLarge) {
                return true;
            }
        }
        return false;
    }
}
