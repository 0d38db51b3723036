package dev.stowage.domain.stagedfile;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StagedFiles;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The S3 event for {@code staged-files/<sha256>}: when storage holds an object whose stored SHA-256 is the one
 * its key names, the pending entries that declared that checksum and its size become present. Anything else
 * leaves them pending (and is logged): a PUT without the signed checksum cannot have come from our URL.
 * Replays are harmless.
 */
public final class ConfirmStagedFile {
    private static final Logger LOG = Logger.getLogger(ConfirmStagedFile.class.getName());

    private final StagedFiles files;
    private final ObjectStore store;

    /** What the event led to. */
    public enum Outcome { CONFIRMED, NO_PENDING_ENTRY, MISMATCH, MISSING, NOT_A_STAGED_FILE }

    public ConfirmStagedFile(StagedFiles files, ObjectStore store) {
        this.files = files;
        this.store = store;
    }

    public Outcome objectCreated(String key) {
        Optional<String> checksum = StagedFile.checksumOf(key);
        if (checksum.isEmpty()) {
            return Outcome.NOT_A_STAGED_FILE;
        }
        Optional<ObjectStore.ObjectInfo> info = store.head(key);
        if (info.isEmpty()) {
            return Outcome.MISSING; // deleted since (released): a later event or stage covers it
        }
        String expected = StageFile.base64(checksum.get());
        if (!info.get().checksumSha256().map(expected::equals).orElse(false)) {
            LOG.warning(() -> "staged file " + key + " has stored checksum " + info.get().checksumSha256()
                    .orElse("none") + ", not the one its key names: its entries stay pending");
            return Outcome.MISMATCH;
        }
        int confirmed = files.markPresent(checksum.get(), info.get().size());
        return confirmed > 0 ? Outcome.CONFIRMED : Outcome.NO_PENDING_ENTRY;
    }
}
