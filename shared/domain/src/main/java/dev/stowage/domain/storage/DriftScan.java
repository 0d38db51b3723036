package dev.stowage.domain.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the storage-drift scan stands: the prefix and the last key it covered, the findings so far of the
 * pass in progress, and those of the last completed pass (what the operator report shows). {@code version}
 * makes saving a compare-and-set.
 */
public record DriftScan(Prefix prefix, Optional<String> cursor, Optional<Instant> passStartedAt, Tally current,
                        Optional<CompletedPass> last, long version) {
    /** Example keys kept per pass: enough to start looking, bounded however large the drift. */
    public static final int MAX_EXAMPLES = 5;

    /** The prefixes scanned, in order; a pass is both. */
    public enum Prefix {
        ASSETS(KeySpace.ASSETS), VARIANTS(KeySpace.VARIANTS);

        private final KeySpace space;

        Prefix(KeySpace space) {
            this.space = space;
        }

        public String value() {
            return space.prefix();
        }

        public KeySpace space() {
            return space;
        }

        public static Prefix of(String value) {
            for (Prefix p : values()) {
                if (p.value().equals(value)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("not a scanned prefix: " + value);
        }
    }

    /**
     * Findings of one pass: objects no row names (older than the safety margin), those of them deleted, rows
     * of available/ready assets whose original is missing, ready variants whose rendering was missing (now
     * {@code missing}); and up to {@link #MAX_EXAMPLES} keys, each prefixed with what is wrong.
     */
    public record Tally(long orphanObjects, long orphansDeleted, long missingAssetObjects, long variantsMarkedMissing,
                        List<String> examples) {
        public static final Tally NONE = new Tally(0, 0, 0, 0, List.of());

        public Tally {
            examples = List.copyOf(examples);
        }

        public Tally plus(Tally other) {
            List<String> merged = new ArrayList<>(examples);
            for (String e : other.examples) {
                if (merged.size() < MAX_EXAMPLES) {
                    merged.add(e);
                }
            }
            return new Tally(orphanObjects + other.orphanObjects, orphansDeleted + other.orphansDeleted,
                    missingAssetObjects + other.missingAssetObjects,
                    variantsMarkedMissing + other.variantsMarkedMissing, merged);
        }

        /** Objects the rows name that storage does not hold. */
        public long missingObjects() {
            return missingAssetObjects + variantsMarkedMissing;
        }
    }

    /** A pass over both prefixes that reached the end: when it started and ended, and what it found. */
    public record CompletedPass(Instant startedAt, Instant completedAt, Tally tally) {}

    /** The state before any run: the start of {@code assets/}, nothing found, no pass completed. */
    public static DriftScan initial() {
        return new DriftScan(Prefix.ASSETS, Optional.empty(), Optional.empty(), Tally.NONE, Optional.empty(), 0);
    }

    /**
     * After a step that covered keys up to {@code upTo} (empty: to the end of the prefix) and found
     * {@code found}: the same prefix further on, the next prefix, or a new pass with this one completed.
     */
    public DriftScan advance(Optional<String> upTo, Tally found, Instant now) {
        Instant started = passStartedAt.orElse(now);
        Tally tally = current.plus(found);
        if (upTo.isPresent()) {
            return new DriftScan(prefix, upTo, Optional.of(started), tally, last, version);
        }
        if (prefix == Prefix.ASSETS) {
            return new DriftScan(Prefix.VARIANTS, Optional.empty(), Optional.of(started), tally, last, version);
        }
        return new DriftScan(Prefix.ASSETS, Optional.empty(), Optional.empty(), Tally.NONE,
                Optional.of(new CompletedPass(started, now, tally)), version);
    }

    /** Whether this state is the start of a new pass right after a completed one. */
    public boolean passJustCompleted(DriftScan before) {
        return last.isPresent() && !last.equals(before.last);
    }
}
