package dev.stowage.domain.export;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.state.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One message of export work: write a queued export, as {@link CreateExport} writes one in the API call
 * (the same {@link ExportWriter}), and settle it {@code ready} or {@code failed} with a stable reason.
 *
 * <p>The row decides, never the message. A message for an export that is ready, failed, expired or gone
 * writes nothing; a duplicate loses the claim (a compare-and-set on the free, or run-out, lease) before it
 * writes a byte. An export past the ceiling fails {@code too_large}. Anything else (storage or database
 * unreachable) leaves no object, releases the claim and throws, so the queue redelivers; a worker that dies
 * mid-write leaves a lease that runs out, and the purger sends the job again. After {@code maxAttempts}
 * claims the export fails {@code attempts_exhausted} instead of looping.
 */
public final class GenerateExport {
    private static final Logger LOG = Logger.getLogger(GenerateExport.class.getName());
    /** Failure reasons a client may switch on ({@code failureReason}). */
    public static final String TOO_LARGE = "too_large";
    public static final String ATTEMPTS_EXHAUSTED = "attempts_exhausted";

    /** What became of a message. */
    public enum Outcome { READY, FAILED, DUPLICATE, DROPPED }

    private final Exports exports;
    private final ExportWriter writer;
    private final Duration lease;
    private final int maxAttempts;

    /**
     * @param limits      the same limits the API call writes under; {@code pendingLease} is the worker's claim
     *                    and must outlast the worker's timeout, so only a dead worker loses it
     * @param maxAttempts claims after which an export that never finished is failed
     */
    public GenerateExport(Exports exports, AssetInventory inventory, MultipartStore multipart, ObjectStore store,
                          ExportLimits limits, int maxAttempts) {
        this.exports = exports;
        this.writer = new ExportWriter(exports, inventory, multipart, store, limits);
        this.lease = limits.pendingLease();
        this.maxAttempts = maxAttempts;
    }

    public Outcome run(ExportJob job) {
        Optional<Exports.Queued> found = exports.findQueued(job.exportId());
        if (found.isEmpty()) {
            return dropped(job, "no queued export has this id (deleted, expired and purged, or never queued)");
        }
        Export export = found.get().export();
        if (export.state() == ExportState.READY) {
            LOG.fine(() -> "export " + job.exportId() + " is ready already: duplicate message");
            return Outcome.DUPLICATE;
        }
        if (export.state() != ExportState.PENDING) {
            return dropped(job, "the export is " + export.state().wire());
        }
        Lease claim = Lease.fresh(lease);
        boolean claimed;
        try {
            claimed = exports.claim(export.id(), claim);
        } catch (RuntimeException lostAnswer) {
            // The claim may have committed with its answer lost: handed back, the redelivery claims it at once
            // instead of finding it held and leaving it to the lease and the purger's requeue.
            throw handBack(export, claim, lostAnswer);
        }
        if (!claimed) {
            LOG.fine(() -> "export " + job.exportId() + " is held by another delivery, or expired: duplicate message");
            return Outcome.DUPLICATE;
        }
        if (found.get().attempts() + 1 > maxAttempts) {
            return fail(export, claim, ATTEMPTS_EXHAUSTED);
        }
        Result<Export> written;
        try {
            written = writer.write(export, new CreateExport.Source.Inventory(found.get().filter()), Optional.of(claim));
        } catch (RuntimeException transientFailure) {
            throw handBack(export, claim, transientFailure);
        }
        return switch (written) {
            case Result.Ok<Export> ok -> {
                LOG.info(() -> "export " + export.id() + " is ready: " + ok.value().byteSize() + " bytes, "
                        + ok.value().rowCount().orElse(0L) + " rows");
                yield Outcome.READY;
            }
            case Result.Err<Export> err when err.code() == ErrorCode.TOO_LARGE -> fail(export, claim, TOO_LARGE);
            case Result.Err<Export> err -> dropped(job, "the claim was lost while writing: " + err.detail());
        };
    }

    /** A transient failure while this delivery held (or may hold) the claim: released, or the lease runs out. */
    private RuntimeException handBack(Export export, Lease claim, RuntimeException failure) {
        try {
            exports.release(export.id(), claim);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private Outcome fail(Export export, Lease claim, String reason) {
        LOG.info(() -> "export " + export.id() + " failed: " + reason);
        return exports.markFailed(export.id(), claim, reason) ? Outcome.FAILED : Outcome.DROPPED;
    }

    private static Outcome dropped(ExportJob job, String why) {
        LOG.log(Level.INFO, () -> "export message for " + job.exportId() + " dropped: " + why);
        return Outcome.DROPPED;
    }
}
