package dev.stowage.domain.storage;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.Listed;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.port.StorageDrift.StoredRow;
import dev.stowage.domain.storage.DriftScan.Tally;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The purger's bounded, resumable comparison of the bucket's {@code assets/} and {@code variants/} with the
 * rows that name objects there. Each run looks at no more than {@code keysPerRun} objects and rows, a page of
 * each per step merged in key order ({@link DriftPage}: one listing and one range query per page), from where
 * the last run stopped; the position and the findings are saved after every step, and a pass over both
 * prefixes ends with its findings kept for the operator report.
 *
 * <p>What it does about drift, all of it only for what is older than {@code margin} (an object is written
 * before the row naming it commits, so a young object or row may be a promotion or a render in flight):
 * <ul>
 * <li>an object no row names is counted; it is deleted only when the asset its key belongs to has no row.
 * Asset rows are created before anything is written under their id and ids are never reused, so then no row
 * can come to name it. An object of a living asset (an older recipe's rendering, a promotion that died between
 * copy and commit) is only reported: a render or promotion of that asset may still be about to name it.</li>
 * <li>a ready variant whose object is gone becomes {@code missing} (compare-and-set), which a requeue renders
 * again;</li>
 * <li>an available, processing, ready or degraded asset whose original is gone is reported, nothing more:
 * there is nothing to render it from.</li>
 * </ul>
 */
public final class ScanStorageDrift {
    private static final Logger LOG = Logger.getLogger(ScanStorageDrift.class.getName());
    /** The most keys S3 lists in one request. */
    static final int MAX_PAGE = 1000;

    /** One thing a run found, with the key it is about and the row (if any). */
    public record Finding(Kind kind, String key, Optional<UUID> rowId) {
        public enum Kind {
            /** An object no row names, of an asset that has no row: deleted. */
            ORPHAN_DELETED,
            /** An object no row names, kept: its asset has a row, or its key is not one the server makes. */
            ORPHAN_KEPT,
            /** An available/ready asset whose original is not in storage. */
            MISSING_ASSET_OBJECT,
            /** A ready variant whose rendering is not in storage, now {@code missing}. */
            VARIANT_MARKED_MISSING
        }

        String example() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + key;
        }
    }

    /**
     * What a run did: keys listed, rows read, steps saved, the tally, whether a pass completed, each finding.
     */
    public record Report(int keysListed, int rowsRead, int steps, Tally found, boolean passCompleted,
                         List<Finding> findings) {}

    private final StorageDrift drift;
    private final ObjectStore store;
    private final Clock clock;
    private final Duration margin;
    private final int keysPerRun;
    private final int pageSize;

    /**
     * @param margin     how old an object or a row's last change must be before it counts as drift
     * @param keysPerRun objects listed per run, at most, and rows read per run, at most
     * @param pageSize   objects (and rows) per step; at most {@code keysPerRun} and {@value #MAX_PAGE} are used
     */
    public ScanStorageDrift(StorageDrift drift, ObjectStore store, Clock clock, Duration margin, int keysPerRun,
                            int pageSize) {
        if (keysPerRun < 1 || pageSize < 1) {
            throw new IllegalArgumentException("keysPerRun and pageSize must be positive");
        }
        this.drift = drift;
        this.store = store;
        this.clock = clock;
        this.margin = margin;
        this.keysPerRun = keysPerRun;
        this.pageSize = Math.min(MAX_PAGE, Math.min(pageSize, keysPerRun));
    }

    public Report run() {
        DriftScan scan = drift.load();
        int listed = 0;
        int read = 0;
        int steps = 0;
        Tally found = Tally.NONE;
        List<Finding> findings = new ArrayList<>();
        boolean completed = false;
        while (Math.max(listed, read) < keysPerRun && !completed) {
            int page = Math.min(pageSize, keysPerRun - Math.max(listed, read));
            Instant now = clock.instant();
            DriftPage step;
            List<Finding> stepFindings;
            List<Listed> objects;
            List<StoredRow> rows;
            try {
                objects = store.list(scan.prefix().value(), scan.cursor(), page);
                rows = drift.rowsAfter(scan.prefix().space(), scan.cursor(), page);
                step = DriftPage.compare(objects, rows, page);
                stepFindings = act(step, now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the storage drift scan stopped at " + scan.prefix().value()
                        + scan.cursor().orElse("") + "; the next run resumes there", e);
                break;
            }
            Tally tally = tally(stepFindings);
            DriftScan next = scan.advance(step.upTo(), tally, now);
            if (!drift.save(scan, next)) {
                break; // another run moved the scan meanwhile: it carries on from its own position
            }
            completed = next.passJustCompleted(scan);
            scan = drift.load();
            listed += objects.size();
            read += rows.size();
            steps++;
            found = found.plus(tally);
            findings.addAll(stepFindings);
        }
        return new Report(listed, read, steps, found, completed, List.copyOf(findings));
    }

    private List<Finding> act(DriftPage step, Instant now) {
        Instant before = now.minus(margin);
        List<Finding> findings = new ArrayList<>();
        List<Listed> orphans = step.unreferenced().stream().filter(o -> o.lastModified().isBefore(before)).toList();
        if (!orphans.isEmpty()) {
            Set<UUID> living = drift.existingAssets(orphans.stream()
                    .flatMap(o -> DriftPage.assetIdOf(o.key()).stream()).distinct().toList());
            for (Listed o : orphans) {
                Optional<UUID> asset = DriftPage.assetIdOf(o.key());
                boolean deleted = asset.isPresent() && !living.contains(asset.get()) && delete(o.key());
                findings.add(new Finding(deleted ? Finding.Kind.ORPHAN_DELETED : Finding.Kind.ORPHAN_KEPT, o.key(),
                        Optional.empty()));
            }
        }
        List<StoredRow> settled = step.unbacked().stream().filter(r -> r.updatedAt().isBefore(before)).toList();
        List<UUID> variants = new ArrayList<>();
        for (StoredRow r : settled.stream().filter(StorageAccounting::promisesObject).toList()) {
            if (r.kind() == StoredRow.Kind.VARIANT) {
                variants.add(r.id());
            } else {
                findings.add(new Finding(Finding.Kind.MISSING_ASSET_OBJECT, r.key(), Optional.of(r.id())));
            }
        }
        if (!variants.isEmpty()) {
            Set<UUID> marked = drift.markMissing(variants, before);
            settled.stream().filter(r -> marked.contains(r.id())).forEach(r -> findings.add(
                    new Finding(Finding.Kind.VARIANT_MARKED_MISSING, r.key(), Optional.of(r.id()))));
        }
        return findings;
    }

    private boolean delete(String key) {
        try {
            store.delete(key);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete orphan object " + key + "; the next pass tries again", e);
            return false;
        }
    }

    static Tally tally(List<Finding> findings) {
        long deleted = count(findings, Finding.Kind.ORPHAN_DELETED);
        return new Tally(deleted + count(findings, Finding.Kind.ORPHAN_KEPT), deleted,
                count(findings, Finding.Kind.MISSING_ASSET_OBJECT), count(findings, Finding.Kind.VARIANT_MARKED_MISSING),
                findings.stream().limit(DriftScan.MAX_EXAMPLES).map(Finding::example).toList());
    }

    private static long count(List<Finding> findings, Finding.Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).count();
    }
}
