package dev.stowage.domain.upload;

import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a session that ended without completing leaves behind: an open multipart upload, a staged
 * object, a staged asset row. Cancel and the purger both clean it here; every step is idempotent,
 * and the asset row goes last so a crash part-way leaves the session recognisable as residue.
 */
public final class UploadResidue {
    private static final Logger LOG = Logger.getLogger(UploadResidue.class.getName());

    /** What one clean-up removed. */
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
        if (!session.state().isTerminal() || session.state() == UploadState.COMPLETED) {
            throw new IllegalArgumentException("session " + session.id() + " is " + session.state().wire());
        }
        int aborted = 0;
        int deleted = 0;
        try {
            if (session.multipartUploadId().isPresent()) {
                multipart.abort(session.uploadKey(), session.multipartUploadId().get());
                aborted = 1;
            }
            if (store.head(session.uploadKey()).isPresent()) {
                store.delete(session.uploadKey());
                deleted = 1;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not clean storage of session " + session.id() + "; the purger retries", e);
            return new Cleaned(aborted, deleted, 0);
        }
        int assetsDeleted = session.assetId().map(assets::deleteStaged).orElse(false) ? 1 : 0;
        return new Cleaned(aborted, deleted, assetsDeleted);
    }
}
