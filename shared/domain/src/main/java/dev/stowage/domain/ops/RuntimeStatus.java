package dev.stowage.domain.ops;

import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Metrics;
import dev.stowage.domain.port.OpsReport;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.storage.DriftScan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's runtime report (Rindle's {@code runtime_status}): per lifecycle table, exact counts by state,
 * the oldest row of each transient state, and bounded examples of drift, stuck work and residue. Read-only;
 * each run also publishes its key gauges (counts by state, findings per check and category) as metrics.
 */
public final class RuntimeStatus {
    /** Findings are counted up to this many; a larger backlog shows as capped. */
    public static final int COUNT_CAP = 1000;

    private final OpsReport report;
    private final Metrics metrics;
    private final Clock clock;
    private final UnreferencedGraces graces;
    private final StorageDrift drift;

    /**
     * @param graces the purger's graces for detached and never-attached assets: older ones are overdue residue
     * @param drift  where the purger's storage-drift scan keeps its findings
     */
    public RuntimeStatus(OpsReport report, Metrics metrics, Clock clock, UnreferencedGraces graces,
                         StorageDrift drift) {
        this.report = report;
        this.drift = drift;
        this.metrics = metrics;
        this.clock = clock;
        this.graces = graces;
    }

    /** The report for raw query values, or the problem with the first bad one. */
    public Result<RuntimeReport> execute(Operator operator, String profile, String olderThan, String limit,
                                         String format) {
        return ReportFilters.parse(profile, olderThan, limit, format).map(this::report);
    }

    public RuntimeReport report(ReportFilters filters) {
        Instant now = clock.instant();
        // Residue is what the purger had olderThan to clean once it was due: expired, ended, or detached (or
        // never attached) longer than the purger's grace.
        var criteria = new OpsReport.Criteria(filters.profile(), now, now.minus(filters.olderThan()),
                now.minus(graces.detached()).minus(filters.olderThan()),
                now.minus(graces.unattached()).minus(filters.olderThan()));
        List<RuntimeReport.Group> groups = new ArrayList<>();
        for (ReportGroup group : ReportGroup.values()) {
            Optional<String> profile = group.profiled() ? filters.profile() : Optional.empty();
            Map<String, Long> found = report.countByState(group, profile);
            Map<String, Long> counts = new LinkedHashMap<>();
            group.states().forEach(state -> counts.put(state, found.getOrDefault(state, 0L)));
            Map<String, Duration> oldest = new LinkedHashMap<>();
            for (String state : group.transientStates()) {
                if (counts.get(state) > 0) {
                    report.oldest(group, state, profile).ifPresent(since -> oldest.put(state, age(since, now)));
                }
            }
            List<RuntimeReport.Finding> findings = Arrays.stream(Check.values()).filter(c -> c.group() == group)
                    .map(check -> finding(check, criteria, filters.limit(), now)).toList();
            groups.add(new RuntimeReport.Group(group, group.profiled() && profile.isPresent(), counts, oldest,
                    findings));
        }
        RuntimeReport result = new RuntimeReport(now, filters, List.copyOf(groups), storage(now));
        metrics.gauges(Map.of("Source", "ops-report", "Profile", filters.profile().orElse("all")), gauges(result));
        return result;
    }

    private RuntimeReport.Finding finding(Check check, OpsReport.Criteria criteria, int limit, Instant now) {
        OpsReport.Found found = report.find(check, criteria, limit, COUNT_CAP + 1);
        List<RuntimeReport.Example> examples = found.rows().stream()
                .map(row -> new RuntimeReport.Example(row.id(), row.state(), age(row.since(), now), row.detail()))
                .toList();
        long count = found.count();
        return new RuntimeReport.Finding(check, Math.min(count, COUNT_CAP), count > COUNT_CAP, examples);
    }

    private RuntimeReport.Storage storage(Instant now) {
        DriftScan scan = drift.load();
        return new RuntimeReport.Storage(scan.last(), scan.last().map(p -> age(p.completedAt(), now)),
                scan.prefix().value() + scan.cursor().orElse(""), scan.current());
    }

    private static Duration age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * The report's key gauges by metric name: {@code <group>.<state>} counts, {@code <group>.drift|stuck|residue}
     * totals and one {@code check.<code>} per check; once a storage-drift pass has completed,
     * {@code storage.orphanObjects}, {@code storage.missingObjects} and {@code storage.lastPassAgeSeconds}.
     * Names are stable: alarms refer to them.
     */
    public static Map<String, Long> gauges(RuntimeReport report) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (RuntimeReport.Group g : report.groups()) {
            g.counts().forEach((state, n) -> values.put(g.group().key() + "." + state, n));
            for (Check.Category category : Check.Category.values()) {
                values.put(g.group().key() + "." + category.key(), g.count(category));
            }
            g.findings().forEach(f -> values.put("check." + f.check().code(), f.count()));
        }
        RuntimeReport.Storage storage = report.storage();
        storage.lastPass().ifPresent(pass -> {
            values.put("storage.orphanObjects", pass.tally().orphanObjects());
            values.put("storage.missingObjects", pass.tally().missingObjects());
        });
        storage.lastPassAge().ifPresent(age -> values.put("storage.lastPassAgeSeconds", age.toSeconds()));
        return values;
    }
}
