package dev.stowage.domain.export;

import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The purger's part for exports: pending ones whose writer outlived {@link ExportLimits#pendingLease()} are
 * failed (upload aborted, any object deleted); expired ones of any state are deleted, object first, then the
 * row, in batches so memory stays flat whatever the backlog.
 */
public final class PurgeExpiredExports {
    static final String ABANDONED = "abandoned";
    // One writer opens one upload per export; a few more cover a retried create.
    private static final int MAX_UPLOADS_PER_KEY = 10;

    private final Exports exports;
    private final ObjectStore store;
    private final MultipartStore multipart;
    private final Clock clock;
    private final Duration pendingLease;
    private final int batchSize;

    public PurgeExpiredExports(Exports exports, ObjectStore store, MultipartStore multipart, Clock clock,
                               Duration pendingLease, int batchSize) {
        this.exports = exports;
        this.store = store;
        this.multipart = multipart;
        this.clock = clock;
        this.pendingLease = pendingLease;
        this.batchSize = batchSize;
    }

    /** How many pending exports were failed and how many expired ones were deleted. */
    public record Report(int abandonedFailed, int expiredDeleted) {}

    public Report execute() {
        Instant now = clock.instant();
        int failed = 0;
        while (true) {
            List<Export> batch = exports.pendingSince(now.minus(pendingLease), batchSize);
            for (Export e : batch) {
                // The writer is gone: whatever it left under the export's key goes, parts and object alike.
                String key = Export.keyOf(e.id());
                multipart.listUploads(key, MAX_UPLOADS_PER_KEY).stream().filter(u -> u.key().equals(key))
                        .forEach(u -> multipart.abort(u.key(), u.uploadId()));
                store.delete(key);
                if (exports.markFailed(e.id(), ABANDONED)) {
                    failed++;
                }
            }
            if (batch.size() < batchSize) {
                break;
            }
        }
        int deleted = 0;
        while (true) {
            List<Export> batch = exports.expired(now, batchSize);
            for (Export e : batch) {
                e.storageKey().ifPresent(store::delete);
                if (exports.delete(e.id())) {
                    deleted++;
                }
            }
            if (batch.size() < batchSize) {
                break;
            }
        }
        return new Report(failed, deleted);
    }
}
