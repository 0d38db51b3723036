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
 * aborted; assets detached from their last attachment are purged; variant work that starved (a lost
 * message, a dead worker) is sent again, and so is starved export work; expired staged files and unreferenced staged-file objects go;
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
        int[] expiredOrVerified = dryRun ? new int[] {sessions.countExpirable(now), 0} : expire(now);
        int residueSessions = 0;
        UploadResidue.Cleaned cleaned = UploadResidue.Cleaned.NOTHING;
        if (dryRun) {
            residueSessions = sessions.countResidue();
        } else {
            Optional<UUID> after = Optional.empty();
            for (List<UploadSession> batch = sessions.findResidue(after, batchSize); !batch.isEmpty();
                 batch = sessions.findResidue(after, batchSize)) {
                after = Optional.of(batch.getLast().id());
                UploadResidue.Cleaned c = residue.clean(batch);
                cleaned = cleaned.plus(c);
                residueSessions += c.assetsDeleted();
                if (c.assetsDeleted() == 0) {
                    break; // storage is failing for the whole batch: leave the rest for the next run
                }
            }
        }
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
        return new Report(dryRun, resumed, expiredOrVerified[1], expiredOrVerified[0], residueSessions,
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

    /**
     * {expired, verified}: a batch at a time, in key order, the open sessions past their expiry. One listing of
     * the batch's key range tells which hold their upload in storage: those finished uploading (their S3 event was
     * lost) and are verified, one by one; the others expire in one compare-and-set, which a {@code complete} or an
     * S3 event that claimed a session first makes leave that session alone. A batch storage cannot list is left as
     * it is for the next run: not knowing whether the bytes are there, it neither expires nor verifies.
     */
    private int[] expire(Instant now) {
        int expired = 0;
        int verified = 0;
        Optional<UUID> after = Optional.empty();
        for (List<UploadSession> batch = sessions.findExpirable(now, after, batchSize); !batch.isEmpty();
             batch = sessions.findExpirable(now, after, batchSize)) {
            after = Optional.of(batch.getLast().id());
            Set<String> uploaded;
            try {
                uploaded = store.existing(batch.stream().map(UploadSession::uploadKey).toList());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not look for the uploads of " + batch.size()
                        + " expired sessions; the next run tries again", e);
                continue;
            }
            List<UUID> abandoned = new ArrayList<>();
            for (UploadSession s : batch) {
                if (!uploaded.contains(s.uploadKey())) {
                    abandoned.add(s.id());
                } else if (attempt("session " + s.id(), () -> verify.resume(s.id()))) {
                    verified++; // a finished upload is never deleted as abandoned; a failed attempt waits
                }
            }
            expired += sessions.transitionAll(abandoned, OPEN, UploadState.EXPIRED);
        }
        return new int[] {expired, verified};
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
        Instant cutoff = now.minus(orphanGrace);
        List<PendingUpload> pending = multipart.listUploads(StorageKeys.STAGING, ORPHAN_SCAN_LIMIT).stream()
                .filter(u -> !u.initiated().isAfter(cutoff))
                .toList();
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
