package dev.stowage.domain.upload;

import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.variant.RequeueStarvedVariants;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.event.PruneOutbox;
import dev.stowage.domain.export.PurgeExpiredExports;
import dev.stowage.domain.streaming.ExpireProviderUploads;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore.PendingUpload;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.stagedfile.PurgeStagedFiles;
import dev.stowage.domain.storage.DriftScan;
import dev.stowage.domain.storage.ScanStorageDrift;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The scheduled clean-up of every way an upload can be abandoned: lanes whose holder died (a session
 * left verifying, an asset left validating, analyzing or promoting) are taken over and finished; open
 * sessions past their expiry become {@code expired}, unless storage holds their finished upload (its
 * S3 event was lost), which is verified instead; ended sessions' residue (multipart upload, staged object,
 * staged asset) is removed; and multipart uploads under {@code staging/} that no session knows are
 * aborted, and so are those under {@code assets/} of a copy in parts whose function died; assets detached
 * from their last attachment, or never attached, are purged past their grace; variant work that starved (a lost
 * message, a dead worker) is sent again, and so is starved export work; expired staged files and unreferenced
 * staged-file objects go;
 * streaming uploads whose create lost its answer are found at the provider, and open ones past their timeout
 * expire ({@link ExpireProviderUploads}); published outbox events past their retention are deleted
 * ({@link PruneOutbox}); and a bounded step of the storage-drift scan ({@link ScanStorageDrift}) compares the
 * bucket with the rows. Works in batches so memory stays flat;
 * a second run finds nothing to do. A dry run only counts.
 */
public final class PurgeAbandonedUploads {
    private static final Logger LOG = Logger.getLogger(PurgeAbandonedUploads.class.getName());
    /** Open multipart uploads looked at per run, oldest first; a larger backlog takes several runs. */
    static final int ORPHAN_SCAN_LIMIT = 10_000;
    private static final Set<UploadState> OPEN = EnumSet.of(UploadState.INITIALIZED, UploadState.SIGNED,
            UploadState.RESUMING, UploadState.UPLOADING);

    /** What a run did (or, dry, would do). */
    public record Report(boolean dryRun, int lanesResumed, int sessionsVerified, int sessionsExpired,
                         int residueSessions, int multipartAborted, int objectsDeleted, int assetsDeleted,
                         int orphanMultipartAborted, int orphanStagedAssetsDeleted, int detachedAssetsPurged,
                         int variantsRequeued, int stagedFilesExpired, int stagedFileObjectsDeleted,
                         int exportsFailed, int exportsDeleted, int exportsRequeued, int providerUploadsExpired,
                         int providerCancelsSent, int providerCancelsFailed, int providerUploadsReconciled,
                         int providerLookupsFailed, int outboxEventsPruned, int driftKeysScanned,
                         int orphanObjectsFound, int orphanObjectsDeleted, int missingAssetObjects,
                         int variantsMarkedMissing) {}

    private final UploadSessions sessions;
    private final Assets assets;
    private final ObjectStore store;
    private final VerifyUpload verify;
    private final PromoteAsset promote;
    private final Duration lease;
    private final UploadResidue residue;
    private final MultipartStore multipart;
    private final Clock clock;
    private final int batchSize;
    private final Duration orphanGrace;
    private final PurgeDetachedAssets detached;
    private final RequeueStarvedVariants starved;
    private final PurgeStagedFiles stagedFiles;
    private final PurgeExpiredExports exports;
    private final ExpireProviderUploads providerUploads;
    private final PruneOutbox outbox;
    private final ScanStorageDrift drift;

    /**
     * @param orphanGrace how old an unknown multipart upload must be before it is aborted: a session
     *                    records its upload id just after storage opens it
     * @param lease       the lanes' lease: an asset untouched in a transient state for this long is stranded
     */
    public PurgeAbandonedUploads(UploadSessions sessions, Assets assets, ObjectStore store, VerifyUpload verify,
                                 PromoteAsset promote, Duration lease, UploadResidue residue,
                                 MultipartStore multipart, Clock clock, int batchSize, Duration orphanGrace,
                                 PurgeDetachedAssets detached, RequeueStarvedVariants starved,
                                 PurgeStagedFiles stagedFiles, PurgeExpiredExports exports,
                                 ExpireProviderUploads providerUploads, PruneOutbox outbox, ScanStorageDrift drift) {
        this.sessions = sessions;
        this.assets = assets;
        this.store = store;
        this.verify = verify;
        this.promote = promote;
        this.lease = lease;
        this.residue = residue;
        this.multipart = multipart;
        this.clock = clock;
        this.batchSize = batchSize;
        this.orphanGrace = orphanGrace;
        this.detached = detached;
        this.starved = starved;
        this.stagedFiles = stagedFiles;
        this.exports = exports;
        this.providerUploads = providerUploads;
        this.outbox = outbox;
        this.drift = drift;
    }

    public Report run(boolean dryRun) {
        Instant now = clock.instant();
        int resumed = dryRun ? 0 : resumeStranded();
        Expiry expiry = dryRun ? new Expiry(sessions.countExpirable(now), 0, UploadResidue.Cleaned.NOTHING)
                : expire(now);
        // The sessions the expiry cleaned at once and those the residue step cleans are all residue cleaned.
        UploadResidue.Cleaned cleaned = dryRun ? UploadResidue.Cleaned.NOTHING : expiry.cleaned().plus(cleanResidue());
        int residueSessions = dryRun ? sessions.countResidue() : cleaned.assetsDeleted();
        int orphans = abortOrphans(now, dryRun);
        int orphanAssets = dryRun ? 0 : deleteOrphanStaged();
        int detachedPurged = dryRun ? 0 : detached.run();
        int requeued = dryRun ? 0 : starved.run();
        PurgeStagedFiles.Report staged = dryRun ? new PurgeStagedFiles.Report(0, 0, 0) : stagedFiles.run();
        PurgeExpiredExports.Report exported = dryRun ? new PurgeExpiredExports.Report(0, 0, 0) : exports.execute();
        ExpireProviderUploads.Report streaming = providerUploads.run(dryRun);
        int pruned = dryRun ? 0 : outbox.run();
        // A dry run leaves the scan where it is: its position and findings are state, not a count.
        ScanStorageDrift.Report scanned = dryRun ? null : drift.run();
        DriftScan.Tally tally = dryRun ? DriftScan.Tally.NONE : scanned.found();
        return new Report(dryRun, resumed, expiry.verified(), expiry.expired(), residueSessions,
                cleaned.multipartAborted(), cleaned.objectsDeleted(), cleaned.assetsDeleted(), orphans, orphanAssets,
                detachedPurged, requeued, staged.entriesExpired(),
                staged.objectsDeleted() + staged.orphanObjectsDeleted(), exported.abandonedFailed(),
                exported.expiredDeleted(), exported.requeued(), streaming.expired(), streaming.providerCancelled(),
                streaming.providerCancelFailed(), streaming.reconciled(), streaming.lookupsFailed(), pruned, dryRun ? 0 : scanned.keysListed(), (int) tally.orphanObjects(),
                (int) tally.orphansDeleted(), (int) tally.missingAssetObjects(), (int) tally.variantsMarkedMissing());
    }

    /** Finishes the lanes whose holder died; a lane that fails again is left for the next run. */
    private int resumeStranded() {
        int resumed = 0;
        for (UploadSession s : sessions.findStaleLanes(batchSize)) {
            resumed += attempt("session " + s.id(), () -> verify.resume(s.id())) ? 1 : 0;
        }
        for (Asset a : assets.findStranded(lease, batchSize)) {
            resumed += attempt("asset " + a.id(), () -> promote.run(a.id())) ? 1 : 0;
        }
        return resumed;
    }

    private static boolean attempt(String what, Runnable lane) {
        try {
            lane.run();
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not resume the lane of " + what + "; the next run tries again", e);
            return false;
        }
    }

    /** What the expiry step did: sessions expired, sessions verified, and the residue of the expired cleaned. */
    private record Expiry(int expired, int verified, UploadResidue.Cleaned cleaned) {}

    /**
     * A batch at a time, in key order, the open sessions past their expiry. One listing of the batch's key range
     * tells which hold their upload in storage: those finished uploading (their S3 event was lost) and are
     * verified, one by one; the others expire in one compare-and-set, which leaves alone a session that a
     * {@code complete} or an S3 event claimed first. The sessions it expired are cleaned at once, on the strength of
     * the same listing (nothing of theirs was there; bytes landing later are late bytes, which their own S3 event
     * removes). A batch storage cannot list is left as it is for the next run: not knowing whether the bytes are
     * there, it neither expires nor verifies. A crash after the compare-and-set leaves expired sessions with their
     * assets: residue, which the next run's residue step cleans. The next batch is listed while this one's SQL runs.
     */
    private Expiry expire(Instant now) {
        var tally = new Object() {
            int expired;
            int verified;
            UploadResidue.Cleaned cleaned = UploadResidue.Cleaned.NOTHING;
        };
        TwoLanes.walk(sessions.findExpirable(now, Optional.empty(), batchSize),
                batch -> sessions.findExpirable(now, Optional.of(batch.getLast().id()), batchSize),
                this::listUploads,
                (batch, uploaded) -> {
                    if (uploaded.isEmpty()) {
                        return true; // logged; the next batch may fare better
                    }
                    List<UploadSession> abandoned = new ArrayList<>();
                    for (UploadSession s : batch) {
                        if (!uploaded.get().contains(s.uploadKey())) {
                            abandoned.add(s);
                        } else if (attempt("session " + s.id(), () -> verify.resume(s.id()))) {
                            tally.verified++; // a finished upload is never deleted as abandoned; a failed attempt waits
                        }
                    }
                    Set<UUID> moved = sessions.transitionAll(abandoned.stream().map(UploadSession::id).toList(), OPEN,
                            UploadState.EXPIRED);
                    tally.expired += moved.size();
                    List<UploadSession> ended = abandoned.stream().filter(s -> moved.contains(s.id())).toList();
                    tally.cleaned = tally.cleaned.plus(
                            residue.deleteAssets(residue.cleanStorageListed(ended, uploaded.get())));
                    return true;
                });
        return new Expiry(tally.expired, tally.verified, tally.cleaned);
    }

    /** Which of the batch's upload keys hold an object; empty (logged) when storage could not say. */
    private Optional<Set<String>> listUploads(List<UploadSession> batch) {
        try {
            return Optional.of(UploadResidue.uploaded(store, batch));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not look for the uploads of " + batch.size()
                    + " expired sessions; the next run tries again", e);
            return Optional.empty();
        }
    }

    /**
     * Ended sessions that still hold an asset, a batch at a time in key order: each batch's storage (aborts, one
     * listing, one batch delete) while the previous batch's asset rows go. A batch storage failed for entirely ends
     * the step: the rest waits for the next run.
     */
    private UploadResidue.Cleaned cleanResidue() {
        var tally = new Object() {
            UploadResidue.Cleaned cleaned = UploadResidue.Cleaned.NOTHING;
        };
        TwoLanes.walk(sessions.findResidue(Optional.empty(), batchSize),
                batch -> sessions.findResidue(Optional.of(batch.getLast().id()), batchSize),
                residue::cleanStorage,
                (batch, stored) -> {
                    UploadResidue.Cleaned c = residue.deleteAssets(stored);
                    tally.cleaned = tally.cleaned.plus(c);
                    return c.assetsDeleted() > 0;
                });
        return tally.cleaned;
    }

    /**
     * Staged assets no session owns, untouched for a lease: a proxied upload whose request died before
     * validation began. The client got an error, so the bytes (if any) and the row go.
     */
    private int deleteOrphanStaged() {
        List<Asset> orphans = assets.findOrphanStaged(lease, batchSize);
        if (orphans.isEmpty()) {
            return 0;
        }
        ObjectStore.Deletion deletion = store.deleteAll(orphans.stream().map(Asset::stagingKey).toList());
        if (!deletion.failed().isEmpty()) {
            LOG.warning(() -> "staged objects of orphan assets: " + deletion.failureSummary() + "; next run");
        }
        return assets.deleteStaged(orphans.stream().filter(a -> !deletion.failed().containsKey(a.stagingKey()))
                .map(Asset::id).toList());
    }

    private int abortOrphans(Instant now, boolean dryRun) {
        return abortUnknownUploads(now, dryRun) + abortDeadCopies(now, dryRun);
    }

    private int abortUnknownUploads(Instant now, boolean dryRun) {
        Instant cutoff = now.minus(orphanGrace);
        List<PendingUpload> pending = multipart.listUploads(StorageKeys.STAGING, ORPHAN_SCAN_LIMIT).stream()
                .filter(u -> !u.initiated().isAfter(cutoff))
                .toList();
        return abortUnknown(pending, dryRun);
    }

    /**
     * Multipart uploads under {@code assets/} are a session's upload, assembled at its original (which the
     * session's own expiry aborts), or a copy in parts (the promotion of a large original), open while the function
     * that copies runs, and that function aborts its own on failure. One no session knows that is older than a lease
     * (and than the orphan grace) outlived its function: the copy died between opening and finishing it, or an
     * initiate between opening the upload and recording it; its parts are bytes nobody can read but the bucket pays
     * for.
     */
    private int abortDeadCopies(Instant now, boolean dryRun) {
        Instant cutoff = now.minus(lease.compareTo(orphanGrace) > 0 ? lease : orphanGrace);
        List<PendingUpload> old = multipart.listUploads(StorageKeys.ASSETS, ORPHAN_SCAN_LIMIT).stream()
                .filter(u -> !u.initiated().isAfter(cutoff))
                .toList();
        return abortUnknown(old, dryRun);
    }

    /** Aborts those of {@code pending} no session knows, a batch of ids looked up at a time. */
    private int abortUnknown(List<PendingUpload> pending, boolean dryRun) {
        int aborted = 0;
        for (int from = 0; from < pending.size(); from += batchSize) {
            List<PendingUpload> chunk = pending.subList(from, Math.min(pending.size(), from + batchSize));
            Set<String> known = sessions.knownMultipartUploads(chunk.stream().map(PendingUpload::uploadId).toList());
            for (PendingUpload u : chunk) {
                if (!known.contains(u.uploadId())) {
                    if (!dryRun) {
                        multipart.abort(u.key(), u.uploadId());
                    }
                    aborted++;
                }
            }
        }
        return aborted;
    }
}
