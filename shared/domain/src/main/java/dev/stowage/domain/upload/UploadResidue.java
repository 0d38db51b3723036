package dev.stowage.domain.upload;

import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a session that ended without completing leaves behind: an open multipart upload, a staged
 * object, a staged asset row. Cancel, the S3 event of late bytes and the purger all clean it here, one
 * session or a batch at a time, in two halves: storage first (the uploads aborted one by one, since storage has
 * no batch abort; the staged objects found with one listing of the batch's key range and removed with one batch
 * delete), then the database (the asset rows of the sessions whose storage is clean, in one statement). The rows go
 * last, so a crash part-way leaves every session recognisable as residue. Every step is idempotent.
 */
public final class UploadResidue {
    private static final Logger LOG = Logger.getLogger(UploadResidue.class.getName());

    /** What one clean-up removed: uploads aborted, objects that were there and are gone, asset rows deleted. */
    public record Cleaned(int multipartAborted, int objectsDeleted, int assetsDeleted) {
        public static final Cleaned NOTHING = new Cleaned(0, 0, 0);

        public Cleaned plus(Cleaned o) {
            return new Cleaned(multipartAborted + o.multipartAborted, objectsDeleted + o.objectsDeleted,
                    assetsDeleted + o.assetsDeleted);
        }
    }

    /** The storage half done: what it removed, and the assets of the sessions storage holds nothing of any more. */
    record StorageCleaned(int multipartAborted, int objectsDeleted, List<UUID> assetsToDelete) {}

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
        return deleteAssets(cleanStorage(ended));
    }

    /** The storage half of {@link #clean(List)}: no database call, so it may run beside the database work. */
    StorageCleaned cleanStorage(List<UploadSession> ended) {
        for (UploadSession session : ended) {
            if (!session.state().isTerminal() || session.state() == UploadState.COMPLETED) {
                throw new IllegalArgumentException("session " + session.id() + " is " + session.state().wire());
            }
        }
        return cleanStorage(ended, Optional.empty());
    }

    /**
     * The storage half for sessions the caller has just ended itself, having listed their keys a moment before:
     * {@code present} is that listing (which of their keys held an object), so they need no listing of their own.
     */
    StorageCleaned cleanStorageListed(List<UploadSession> ended, Set<String> present) {
        return cleanStorage(ended, Optional.of(present));
    }

    /**
     * Which of these sessions' upload keys hold an object. Staging keys are found with one listing of their range. A
     * key at an asset's original is never listed (its range would be the whole of {@code assets/}): only Stowage
     * writes there, assembling the parts of a claimed session, so an open session has nothing there, and an ended one
     * only when it failed verification and the delete of its bytes failed too, which a HEAD finds.
     */
    static Set<String> uploaded(ObjectStore store, List<UploadSession> batch) {
        Set<String> found = new HashSet<>(store.existing(batch.stream()
                .filter(s -> !s.landsAtOriginal()).map(UploadSession::uploadKey).toList()));
        for (UploadSession s : batch) {
            if (s.landsAtOriginal() && s.state() == UploadState.FAILED && store.head(s.uploadKey()).isPresent()) {
                found.add(s.uploadKey());
            }
        }
        return found;
    }

    /** The database half: the asset rows, last. */
    Cleaned deleteAssets(StorageCleaned stored) {
        return new Cleaned(stored.multipartAborted(), stored.objectsDeleted(),
                assets.deleteStaged(stored.assetsToDelete()));
    }

    private StorageCleaned cleanStorage(List<UploadSession> ended, Optional<Set<String>> listed) {
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
            return new StorageCleaned(aborted, 0, List.of());
        }
        Set<String> present;
        try {
            present = listed.isPresent() ? listed.get() : uploaded(store, rest);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not list the staged objects of " + rest.size()
                    + " ended sessions; the purger retries", e);
            return new StorageCleaned(aborted, 0, List.of());
        }
        List<String> toDelete = rest.stream().map(UploadSession::uploadKey).filter(present::contains).toList();
        ObjectStore.Deletion deletion = toDelete.isEmpty() ? ObjectStore.Deletion.NOTHING : store.deleteAll(toDelete);
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
        return new StorageCleaned(aborted, deletion.deleted().size(), assetIds);
    }
}
