package dev.stowage.domain.upload;

import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.port.MultipartStore.PendingUpload;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.UploadSessions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The scheduled clean-up of every way an upload can be abandoned: open sessions past their expiry
 * become {@code expired}; ended sessions' residue (multipart upload, staged object, staged asset) is
 * removed; and multipart uploads under {@code staging/} that no session knows are aborted. Works in
 * batches so memory stays flat; a second run finds nothing to do. A dry run only counts.
 */
public final class PurgeAbandonedUploads {
    /** Open multipart uploads looked at per run, oldest first; a larger backlog takes several runs. */
    static final int ORPHAN_SCAN_LIMIT = 10_000;
    private static final Set<UploadState> OPEN = EnumSet.of(UploadState.INITIALIZED, UploadState.SIGNED,
            UploadState.RESUMING, UploadState.UPLOADING);

    /** What a run did (or, dry, would do). */
    public record Report(boolean dryRun, int sessionsExpired, int residueSessions, int multipartAborted,
                         int objectsDeleted, int assetsDeleted, int orphanMultipartAborted) {}

    private final UploadSessions sessions;
    private final UploadResidue residue;
    private final MultipartStore multipart;
    private final Clock clock;
    private final int batchSize;
    private final Duration orphanGrace;

    /**
     * @param orphanGrace how old an unknown multipart upload must be before it is aborted: a session
     *                    records its upload id just after storage opens it
     */
    public PurgeAbandonedUploads(UploadSessions sessions, UploadResidue residue, MultipartStore multipart,
                                 Clock clock, int batchSize, Duration orphanGrace) {
        this.sessions = sessions;
        this.residue = residue;
        this.multipart = multipart;
        this.clock = clock;
        this.batchSize = batchSize;
        this.orphanGrace = orphanGrace;
    }

    public Report run(boolean dryRun) {
        Instant now = clock.instant();
        int expired = dryRun ? sessions.countExpirable(now) : expire(now);
        int residueSessions = 0;
        UploadResidue.Cleaned cleaned = UploadResidue.Cleaned.NOTHING;
        if (dryRun) {
            residueSessions = sessions.countResidue();
        } else {
            for (List<UploadSession> batch = sessions.findResidue(batchSize); !batch.isEmpty();
                 batch = sessions.findResidue(batchSize)) {
                int before = residueSessions;
                for (UploadSession s : batch) {
                    UploadResidue.Cleaned c = residue.clean(s);
                    cleaned = cleaned.plus(c);
                    residueSessions += c.assetsDeleted() > 0 ? 1 : 0;
                }
                if (residueSessions == before) {
                    break; // storage is failing for the whole batch: leave it for the next run
                }
            }
        }
        int orphans = abortOrphans(now, dryRun);
        return new Report(dryRun, expired, residueSessions, cleaned.multipartAborted(), cleaned.objectsDeleted(),
                cleaned.assetsDeleted(), orphans);
    }

    private int expire(Instant now) {
        int expired = 0;
        for (List<UploadSession> batch = sessions.findExpirable(now, batchSize); !batch.isEmpty();
             batch = sessions.findExpirable(now, batchSize)) {
            for (UploadSession s : batch) {
                expired += sessions.transition(s.id(), OPEN, UploadState.EXPIRED) ? 1 : 0;
            }
        }
        return expired;
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
