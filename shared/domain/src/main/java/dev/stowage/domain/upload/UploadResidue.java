package dev.stowage.domain.upload;

import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a session that ended without completing leaves behind: an open multipart upload, a staged
 * object, a staged asset row. Cancel, the S3 event of late bytes and the purger all clean it here, one
 * session or a batch at a time: the uploads are aborted one by one (storage has no batch abort), the staged
 * objects are found with one listing of the batch's key range and removed with one batch delete, and the asset
 * rows of the sessions whose storage is clean go last, in one statement, so a crash part-way leaves every
 * session recognisable as residue. Every step is idempotent.
 */
public final class UploadResidue {
    private static final Logger LOG = Logger.getLogger(UploadResidue.class.getName());

    /** What one clean-up removed: objects that were there and are gone, asset rows deleted. */
    public record Cleaned(int multipartAborted, int objectsDeleted, int assetsDeleted) {
        public static final Cleaned NOTHING = new Cleaned(0, 0, 0);

        public Cleaned plus(Cleaned o) {
            return new Cleaned(multipartAborted + o.multipartAborted, objectsDeleted + o.objectsDeleted,
                    assetsDeleted + o.assetsDeleted);
        }
    }

    private final Assets assets;
    private final ObjectStore store;
    private final MultipartStore multipart;

    public UploadResidue(Assets assets, ObjectStore store, MultipartStore multipart) {
        this.assets = assets;
        this.store = store;
        this.multipart = multipart;
    }

    /** Removes the session's residue; a storage failure is logged and left for the next purge. */
    public Cleaned clean(UploadSession session) {
        return clean(List.of(session));
    }

    /**
     * Removes the residue of these ended sessions. A session storage fails for (its abort, the listing, or its
     * object's delete) keeps its asset row, so the next purge finds it again; the others are done.
     */
    public Cleaned clean(List<UploadSession> ended) {
        for (UploadSession session : ended) {
            if (!session.state().isTerminal() || session.state() == UploadState.COMPLETED) {
                throw new IllegalArgumentException("session " + session.id() + " is " + session.state().wire());
            }
        }
        Set<UUID> unclean = new HashSet<>();
        int aborted = 0;
        for (UploadSession session : ended) {
            if (session.multipartUploadId().isPresent()) {
                try {
                    multipart.abort(session.uploadKey(), session.multipartUploadId().get());
                    aborted++;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not abort the upload of session " + session.id()
                            + "; the purger retries", e);
                    unclean.add(session.id());
                }
            }
        }
        List<UploadSession> rest = ended.stream().filter(s -> !unclean.contains(s.id())).toList();
        if (rest.isEmpty()) {
            return new Cleaned(aborted, 0, 0);
        }
        Set<String> present;
        try {
            present = store.existing(rest.stream().map(UploadSession::uploadKey).toList());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not list the staged objects of " + rest.size()
                    + " ended sessions; the purger retries", e);
            return new Cleaned(aborted, 0, 0);
        }
        ObjectStore.Deletion deletion = present.isEmpty() ? ObjectStore.Deletion.NOTHING : store.deleteAll(present);
        if (!deletion.failed().isEmpty()) {
            LOG.warning(() -> "staged objects of ended sessions: " + deletion.failureSummary()
                    + "; their sessions wait for the next purge");
        }
        List<UUID> assetIds = new ArrayList<>();
        for (UploadSession session : rest) {
            if (!deletion.failed().containsKey(session.uploadKey())) {
                session.assetId().ifPresent(assetIds::add);
            }
        }
        return new Cleaned(aborted, deletion.deleted().size(), assets.deleteStaged(assetIds));
    }
}
