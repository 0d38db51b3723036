package dev.stowage.domain.export;

import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The purger's part for exports. Pending ones the API call writes, whose writer outlived
 * {@link ExportLimits#pendingLease()}, are failed {@code abandoned}; queued ones (the export-worker's) wait
 * legitimately, so they are failed {@code deadline_exceeded} only once {@code queuedDeadline} after their
 * creation. Either way whatever a writer left under the key goes (upload aborted, object deleted). Queued
 * ones nobody holds whose message was sent more than {@code requeueAfter} ago (lost, or its worker died)
 * get their job sent again. Expired ones of any state are deleted, a batch at a time: the batch's objects in one
 * batch delete, then (in one statement) the rows of those whose object storage confirmed gone; one storage
 * refused keeps its row for the next run. All in batches so memory stays flat whatever the backlog.
 */
public final class PurgeExpiredExports {
    private static final Logger LOG = Logger.getLogger(PurgeExpiredExports.class.getName());
    static final String ABANDONED = "abandoned";
    static final String DEADLINE_EXCEEDED = "deadline_exceeded";
    // One writer opens one upload per export; a few more cover a retried create.
    private static final int MAX_UPLOADS_PER_KEY = 10;

    private final Exports exports;
    private final ObjectStore store;
    private final MultipartStore multipart;
    private final WorkQueue work;
    private final Clock clock;
    private final Duration pendingLease;
    private final Duration requeueAfter;
    private final Duration queuedDeadline;
    private final int batchSize;

    public PurgeExpiredExports(Exports exports, ObjectStore store, MultipartStore multipart, WorkQueue work,
                               Clock clock, Duration pendingLease, Duration requeueAfter, Duration queuedDeadline,
                               int batchSize) {
        this.exports = exports;
        this.store = store;
        this.multipart = multipart;
        this.work = work;
        this.clock = clock;
        this.pendingLease = pendingLease;
        this.requeueAfter = requeueAfter;
        this.queuedDeadline = queuedDeadline;
        this.batchSize = batchSize;
    }

    /** How many pending exports were failed, how many queued ones sent again, how many expired ones deleted. */
    public record Report(int abandonedFailed, int expiredDeleted, int requeued) {}

    public Report execute() {
        Instant now = clock.instant();
        int failed = failAll(() -> exports.pendingSince(now.minus(pendingLease), batchSize), ABANDONED)
                + failAll(() -> exports.queuedSince(now.minus(queuedDeadline), batchSize), DEADLINE_EXCEEDED);
        int requeued = requeueStarved();
        int deleted = 0;
        for (List<Export> batch = exports.expired(now, batchSize); !batch.isEmpty();
             batch = exports.expired(now, batchSize)) {
            int removed = remove(batch, now);
            deleted += removed;
            if (removed == 0 || batch.size() < batchSize) {
                break; // storage refused the whole batch (the next run retries), or nothing is left
            }
        }
        return new Report(failed, deleted, requeued);
    }

    /** One batch of expired exports: their objects in one batch delete, then the rows whose object is gone. */
    private int remove(List<Export> batch, Instant now) {
        ObjectStore.Deletion deletion = store.deleteAll(batch.stream().map(Export::storageKey)
                .flatMap(Optional::stream).toList());
        if (!deletion.failed().isEmpty()) {
            LOG.warning(() -> "objects of expired exports: " + deletion.failureSummary() + "; the next run retries");
        }
        List<UUID> gone = batch.stream()
                .filter(e -> e.storageKey().filter(deletion.failed()::containsKey).isEmpty())
                .map(Export::id).toList();
        return gone.isEmpty() ? 0 : exports.deleteExpired(gone, now);
    }

    private int failAll(java.util.function.Supplier<List<Export>> overdue, String reason) {
        int failed = 0;
        while (true) {
            List<Export> batch = overdue.get();
            for (Export e : batch) {
                // The writer is gone: whatever it left under the export's key goes, parts and object alike.
                String key = Export.keyOf(e.id());
                multipart.listUploads(key, MAX_UPLOADS_PER_KEY).stream().filter(u -> u.key().equals(key))
                        .forEach(u -> multipart.abort(u.key(), u.uploadId()));
                store.delete(key);
                if (exports.markFailed(e.id(), reason)) {
                    failed++;
                }
            }
            if (batch.size() < batchSize) {
                return failed;
            }
        }
    }

    /** The lost-message half: each starved export's job once per run, however short requeueAfter is. */
    private int requeueStarved() {
        int sent = 0;
        Set<UUID> seen = new HashSet<>();
        while (true) {
            List<UUID> batch = exports.starved(requeueAfter, batchSize);
            List<UUID> fresh = batch.stream().filter(seen::add).toList();
            for (UUID id : fresh) {
                try {
                    work.enqueueExport(new ExportJob(id));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not send starved export work again; the next run retries", e);
                    return sent;
                }
                exports.touchQueued(id);
                sent++;
            }
            if (fresh.isEmpty() || batch.size() < batchSize) {
                return sent;
            }
        }
    }
}
