package dev.stowage.domain.stagedfile;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StagedFiles;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removing entries and the objects nothing references any more, the one way every removal goes (a caller's
 * delete, cleanup and reset, the purger): entries and their checksum's object under that checksum's lock.
 * If storage refuses a delete, the entries are gone anyway (the caller asked for that) and the object is
 * an orphan: the purger's sweep deletes it, under the same lock and check.
 */
public final class ReleaseStagedObjects {
    private static final Logger LOG = Logger.getLogger(ReleaseStagedObjects.class.getName());

    private final StagedFiles files;
    private final ObjectStore store;

    public ReleaseStagedObjects(StagedFiles files, ObjectStore store) {
        this.files = files;
        this.store = store;
    }

    /** The entries removed and how many objects went with them. */
    public record Removed(List<StagedFile> entries, int objectsDeleted) {
        public static final Removed NONE = new Removed(List.of(), 0);

        Removed plus(Removed other) {
            return new Removed(java.util.stream.Stream.concat(entries.stream(), other.entries.stream()).toList(),
                    objectsDeleted + other.objectsDeleted);
        }
    }

    public Removed remove(List<StagedFile> entries, boolean onlyIfExpired) {
        int[] deleted = {0};
        List<StagedFile> removed = files.remove(entries, onlyIfExpired, key -> {
            try {
                store.delete(key);
                deleted[0]++;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not delete " + key + "; the purger's orphan sweep retries", e);
            }
        });
        return new Removed(removed, deleted[0]);
    }

    /** Deletes the object at {@code key} if it is a staged file's and no entry references it; true if it did. */
    public boolean releaseIfUnreferenced(String key) {
        Optional<String> checksum = StagedFile.checksumOf(key);
        if (checksum.isEmpty()) {
            store.delete(key); // nothing this registry wrote: no entry can reference it
            return true;
        }
        return files.releaseIfUnreferenced(checksum.get(), store::delete);
    }
}
