package dev.stowage.domain.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The operator report (Rindle's {@code runtime_status}): one {@link Group} per lifecycle table. */
public record RuntimeReport(Instant generatedAt, ReportFilters filters, List<Group> groups) {

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
