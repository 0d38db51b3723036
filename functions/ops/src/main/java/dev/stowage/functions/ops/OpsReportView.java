package dev.stowage.functions.ops;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.stowage.domain.ops.Check;
import dev.stowage.domain.ops.RuntimeReport;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import dev.stowage.domain.storage.DriftScan;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The operator report as JSON: filters, totals of findings, and one entry per lifecycle table. */
@Serdeable
public record OpsReportView(Instant generatedAt, Filters filters, Summary summary, Map<String, Group> groups,
                            Storage storage) {

    @Serdeable
    public record Filters(@JsonInclude(ALWAYS) @Nullable String profile, String olderThan, int limit, String format) {}

    @Serdeable
    public record Summary(long drift, long stuck, long residue) {}

    /**
     * Exact counts by state, the age in seconds of the oldest row of each transient state, and the findings.
     * {@code profileFiltered} is false for tables without a profile (exports, staged files) under a profile filter.
     */
    @Serdeable
    public record Group(boolean profileFiltered, long total, Map<String, Long> counts,
                        @JsonInclude(ALWAYS) Map<String, Long> oldestAgeSeconds,
                        @JsonInclude(ALWAYS) List<Finding> drift, @JsonInclude(ALWAYS) List<Finding> stuck,
                        @JsonInclude(ALWAYS) List<Finding> residue) {}

    /** One check: its stable code, how many rows it found ({@code capped}: at least that many), examples. */
    @Serdeable
    public record Finding(String code, String description, long count, boolean capped,
                          @JsonInclude(ALWAYS) List<Example> examples) {}

    @Serdeable
    public record Example(UUID id, String state, long ageSeconds, String reason) {}

    /**
     * The purger's storage-drift scan: the last completed pass (null age and counts before the first one ends),
     * with up to a few example keys, each prefixed with its finding; and where the pass in progress stands.
     */
    @Serdeable
    public record Storage(@JsonInclude(ALWAYS) @Nullable Long lastPassCompletedAgeSeconds,
                          @JsonInclude(ALWAYS) @Nullable Long orphanObjects,
                          @JsonInclude(ALWAYS) @Nullable Long orphansDeleted,
                          @JsonInclude(ALWAYS) @Nullable Long missingObjects,
                          @JsonInclude(ALWAYS) @Nullable Long missingAssetObjects,
                          @JsonInclude(ALWAYS) @Nullable Long variantsMarkedMissing,
                          @JsonInclude(ALWAYS) List<String> examples, String scanning,
                          long inProgressOrphanObjects, long inProgressMissingObjects) {
        static Storage of(RuntimeReport.Storage s) {
            var t = s.lastPass().map(p -> p.tally());
            return new Storage(s.lastPassAge().map(Duration::toSeconds).orElse(null),
                    t.map(DriftScan.Tally::orphanObjects).orElse(null), t.map(DriftScan.Tally::orphansDeleted).orElse(null),
                    t.map(DriftScan.Tally::missingObjects).orElse(null),
                    t.map(DriftScan.Tally::missingAssetObjects).orElse(null),
                    t.map(DriftScan.Tally::variantsMarkedMissing).orElse(null),
                    t.map(DriftScan.Tally::examples).orElse(List.of()), s.position(),
                    s.inProgress().orphanObjects(), s.inProgress().missingObjects());
        }
    }

    public static OpsReportView of(RuntimeReport report) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (RuntimeReport.Group g : report.groups()) {
            Map<String, Long> oldest = new LinkedHashMap<>();
            g.oldest().forEach((state, age) -> oldest.put(state, age.toSeconds()));
            groups.put(g.group().key(), new Group(g.profileFiltered(), g.total(), g.counts(), oldest,
                    findings(g, Check.Category.DRIFT), findings(g, Check.Category.STUCK),
                    findings(g, Check.Category.RESIDUE)));
        }
        var f = report.filters();
        return new OpsReportView(report.generatedAt(),
                new Filters(f.profile().orElse(null), f.olderThan().toString(), f.limit(), f.format().wire()),
                new Summary(report.count(Check.Category.DRIFT), report.count(Check.Category.STUCK),
                        report.count(Check.Category.RESIDUE)), groups, Storage.of(report.storage()));
    }

    private static List<Finding> findings(RuntimeReport.Group group, Check.Category category) {
        return group.findings().stream().filter(f -> f.check().category() == category)
                .map(f -> new Finding(f.check().code(), f.check().description(), f.count(), f.capped(),
                        f.examples().stream().map(e -> new Example(e.id(), e.state(), e.age().toSeconds(),
                                e.reason())).toList()))
                .toList();
    }
}
