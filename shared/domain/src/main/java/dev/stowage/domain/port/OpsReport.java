package dev.stowage.domain.port;

import dev.stowage.domain.ops.Check;
import dev.stowage.domain.ops.ReportGroup;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Read-only queries behind the operator report. Every one is bounded (a LIMIT, or an index-only count by
 * state) and served by an index; a profile narrows the groups whose rows (or their assets) carry one.
 */
public interface OpsReport {

    /**
     * What a check is asked about: rows older than {@code stuckBefore} are stuck; assets detached before
     * {@code detachedBefore}, or never attached and created before {@code unattachedBefore}, are overdue.
     */
    record Criteria(Optional<String> profile, Instant now, Instant stuckBefore, Instant detachedBefore,
                    Instant unattachedBefore) {}

    /** A row a check found: its id and state, the instant its age counts from, and what is wrong with it. */
    record Row(UUID id, String state, Instant since, String detail) {}

    /** Exact counts of the group's rows by state; states with no row may be missing. */
    Map<String, Long> countByState(ReportGroup group, Optional<String> profile);

    /** When the oldest row in {@code state} entered it (its last change), if any row is in it. */
    Optional<Instant> oldest(ReportGroup group, String state, Optional<String> profile);

    /** The first rows a check finds, oldest first, and how many it finds, counted no further than a cap. */
    record Found(List<Row> rows, long count) {}

    /** Up to {@code limit} rows the check finds, oldest first, and their number counted up to {@code cap}. */
    Found find(Check check, Criteria criteria, int limit, int cap);
}
