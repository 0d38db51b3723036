package dev.stowage.domain.storage;

import dev.stowage.domain.ops.Check;
import dev.stowage.domain.ops.ReportFilters;
import dev.stowage.domain.ops.RuntimeReport;
import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.Listed;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.port.StorageDrift.StoredRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The invariants Stowage keeps between the bucket, the rows and the work in flight, checked in one read-only pass
 * over the whole bucket:
 * <ul>
 * <li>every object under every prefix ({@link KeySpace}) is named by a row;</li>
 * <li>every row that promises its object ({@link StorageAccounting}) finds it in storage;</li>
 * <li>the operator report ({@link RuntimeStatus}) finds no drift (state combinations that cannot exist) and
 * nothing stuck (work in a transient state, or an open session past its expiry).</li>
 * </ul>
 * It walks each prefix as the purger's drift scan does, a page of objects and a page of rows merged in key order
 * ({@link DriftPage}), and judges each page by the same rules; where the scan is bounded per run and acts, this
 * reads everything and only reports. What changed within {@code settled} of now is in flight and not judged.
 * The soak runs it once the load has stopped and the queues have drained (bench/README.md, "Soak").
 */
public final class CheckInvariants {
    /** Examples kept per invariant; the counts are exact. */
    public static final int MAX_EXAMPLES = 20;

    /** The invariants, each with the sentence a violation breaks. */
    public enum Invariant {
        OBJECT_NAMED_BY_A_ROW("every object in the bucket is named by a row"),
        PROMISED_OBJECT_STORED("every row that promises its object finds it in storage"),
        NO_DRIFT("the operator report finds no drift"),
        NOTHING_STUCK("the operator report finds nothing stuck");

        private final String sentence;

        Invariant(String sentence) {
            this.sentence = sentence;
        }

        public String sentence() {
            return sentence;
        }
    }

    /** One thing that breaks an invariant: the key, or the report's check and row. */
    public record Violation(Invariant invariant, String subject) {}

    /**
     * What the check read and found: objects and rows per prefix, violations counted per invariant (exact) with up
     * to {@link #MAX_EXAMPLES} examples each, and the report's residue (what the purger has not cleaned yet, which
     * breaks no invariant).
     */
    public record Verdict(Instant at, Map<KeySpace, Long> objects, Map<KeySpace, Long> rows,
                          Map<Invariant, Long> violations, List<Violation> examples, long residue) {
        public Verdict {
            objects = Map.copyOf(objects);
            rows = Map.copyOf(rows);
            violations = Map.copyOf(violations);
            examples = List.copyOf(examples);
        }

        public boolean holds() {
            return violations.values().stream().allMatch(n -> n == 0);
        }

        public long violationCount() {
            return violations.values().stream().mapToLong(Long::longValue).sum();
        }

        public long objectCount() {
            return objects.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final StorageDrift rows;
    private final ObjectStore store;
    private final RuntimeStatus status;
    private final Clock clock;
    private final int page;

    public CheckInvariants(StorageDrift rows, ObjectStore store, RuntimeStatus status, Clock clock) {
        this(rows, store, status, clock, ScanStorageDrift.MAX_PAGE);
    }

    /** @param page objects (and rows) read per step, at most S3's 1,000 */
    public CheckInvariants(StorageDrift rows, ObjectStore store, RuntimeStatus status, Clock clock, int page) {
        if (page < 1 || page > ScanStorageDrift.MAX_PAGE) {
            throw new IllegalArgumentException("page must be 1.." + ScanStorageDrift.MAX_PAGE + ", got " + page);
        }
        this.rows = rows;
        this.store = store;
        this.status = status;
        this.clock = clock;
        this.page = page;
    }

    /** @param settled what changed more recently than this is in flight and not judged ({@code ZERO}: everything) */
    public Verdict check(Duration settled) {
        if (settled.isNegative()) {
            throw new IllegalArgumentException("settled must not be negative");
        }
        Instant now = clock.instant();
        Instant before = now.minus(settled);
        Findings found = new Findings();
        Map<KeySpace, Long> objects = new EnumMap<>(KeySpace.class);
        Map<KeySpace, Long> named = new EnumMap<>(KeySpace.class);
        for (KeySpace space : KeySpace.values()) {
            long listed = 0;
            long read = 0;
            Optional<String> cursor = Optional.empty();
            do {
                List<Listed> objectPage = store.list(space.prefix(), cursor, page);
                List<StoredRow> rowPage = rows.rowsAfter(space, cursor, page);
                DriftPage step = DriftPage.compare(objectPage, rowPage, page);
                listed += step.objects();
                read += step.rows();
                step.unreferenced().stream().filter(o -> !o.lastModified().isAfter(before))
                        .forEach(o -> found.add(Invariant.OBJECT_NAMED_BY_A_ROW, o.key()));
                step.unbacked().stream().filter(StorageAccounting::promisesObject)
                        .filter(r -> !r.updatedAt().isAfter(before))
                        .forEach(r -> found.add(Invariant.PROMISED_OBJECT_STORED, r.kind().name().toLowerCase(
                                java.util.Locale.ROOT) + " " + r.id() + " (" + r.state() + ") names " + r.key()));
                cursor = step.upTo();
            } while (cursor.isPresent());
            objects.put(space, listed);
            named.put(space, read);
        }
        RuntimeReport report = status.report(new ReportFilters(Optional.empty(), settled, ReportFilters.MAX_LIMIT,
                ReportFilters.Format.JSON));
        for (RuntimeReport.Group group : report.groups()) {
            for (RuntimeReport.Finding f : group.findings()) {
                Optional<Invariant> broken = switch (f.check().category()) {
                    case DRIFT -> Optional.of(Invariant.NO_DRIFT);
                    case STUCK -> Optional.of(Invariant.NOTHING_STUCK);
                    case RESIDUE -> Optional.empty();
                };
                if (broken.isPresent() && f.count() > 0) {
                    found.count(broken.get(), f.count());
                    f.examples().forEach(e -> found.example(broken.get(), f.check().code() + " " + e.id() + " ("
                            + e.state() + ", " + e.age().toSeconds() + " s)"));
                }
            }
        }
        return new Verdict(now, objects, named, found.counts, found.examples, report.count(Check.Category.RESIDUE));
    }

    private static final class Findings {
        final Map<Invariant, Long> counts = new EnumMap<>(Invariant.class);
        final List<Violation> examples = new ArrayList<>();

        Findings() {
            for (Invariant i : Invariant.values()) {
                counts.put(i, 0L);
            }
        }

        void add(Invariant invariant, String subject) {
            count(invariant, 1);
            example(invariant, subject);
        }

        void count(Invariant invariant, long n) {
            counts.merge(invariant, n, Long::sum);
        }

        void example(Invariant invariant, String subject) {
            if (examples.stream().filter(v -> v.invariant() == invariant).count() < MAX_EXAMPLES) {
                examples.add(new Violation(invariant, subject));
            }
        }
    }
}
