package dev.stowage.domain.ops;

import dev.stowage.domain.storage.DriftScan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator report (Rindle's {@code runtime_status}): one {@link Group} per lifecycle table, and the
 * {@link Storage} group of the purger's bucket-versus-rows scan.
 */
public record RuntimeReport(Instant generatedAt, ReportFilters filters, List<Group> groups, Storage storage) {

    /**
     * What the storage-drift scan found: its last completed pass (how long ago it ended, its findings), and
     * where the pass in progress stands with its findings so far. Not narrowed by a profile filter.
     */
    public record Storage(Optional<DriftScan.CompletedPass> lastPass, Optional<Duration> lastPassAge,
                          String position, DriftScan.Tally inProgress) {}

    /**
     * One table: exact counts by state, the age of the oldest row in each transient state that has one, and
     * the findings of its checks, drift first.
     */
    public record Group(ReportGroup group, boolean profileFiltered, Map<String, Long> counts,
                        Map<String, Duration> oldest, List<Finding> findings) {
        public long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        public long count(Check.Category category) {
            return findings.stream().filter(f -> f.check().category() == category).mapToLong(Finding::count).sum();
        }
    }

    /**
     * What one check found: how many (exact up to {@link RuntimeStatus#COUNT_CAP}; {@code capped} beyond) and
     * up to {@code limit} examples, oldest first.
     */
    public record Finding(Check check, long count, boolean capped, List<Example> examples) {}

    /** One row a check found: its id, state, how long it has been so, and what is wrong with it. */
    public record Example(UUID id, String state, Duration age, String reason) {}

    public Optional<Group> group(ReportGroup which) {
        return groups.stream().filter(g -> g.group() == which).findFirst();
    }

    public long count(Check.Category category) {
        return groups.stream().mapToLong(g -> g.count(category)).sum();
    }
}
