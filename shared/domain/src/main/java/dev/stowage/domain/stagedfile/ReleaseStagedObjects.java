package dev.stowage.domain.stagedfile;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StagedFiles;
import java.util.List;
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
        List<StagedFile> removed = files.remove(entries, onlyIfExpired, keys -> deleted[0] += deleteAll(keys));
        return new Removed(removed, deleted[0]);
    }

    /**
     * Deletes those of the objects at {@code keys} (under staged-files/) no entry references: a key this registry
     * did not write (no checksum in it) at once, the others under their checksums' locks. How many went.
     */
    public int releaseUnreferenced(List<String> keys) {
        List<String> foreign = keys.stream().filter(k -> StagedFile.checksumOf(k).isEmpty()).toList();
        int[] deleted = {foreign.isEmpty() ? 0 : deleteAll(foreign)}; // nothing this registry wrote: no entry names it
        files.releaseUnreferenced(keys.stream().flatMap(k -> StagedFile.checksumOf(k).stream()).toList(),
                unreferenced -> deleted[0] += deleteAll(unreferenced));
        return deleted[0];
    }

    /** One batch delete; a key storage refused stays for the purger's orphan sweep. How many went. */
    private int deleteAll(List<String> keys) {
        ObjectStore.Deletion deletion = store.deleteAll(keys);
        if (!deletion.failed().isEmpty()) {
            LOG.warning(() -> "staged files' objects: " + deletion.failureSummary()
                    + "; the purger's orphan sweep retries");
        }
        return deletion.deleted().size();
    }
}
