package dev.stowage.domain.ops;

import java.time.Duration;
import java.util.stream.Collectors;

/** The operator report as compact text for a terminal: one block per group, findings only when there are some. */
public final class ReportText {
    private ReportText() {}

    public static String render(RuntimeReport report) {
        ReportFilters f = report.filters();
        StringBuilder out = new StringBuilder();
        out.append("stowage runtime status at ").append(report.generatedAt())
                .append(" (profile ").append(f.profile().orElse("all"))
                .append(", stuck after ").append(age(f.olderThan())).append(", ").append(f.limit())
                .append(" examples)\n");
        out.append("drift ").append(report.count(Check.Category.DRIFT))
                .append(", stuck ").append(report.count(Check.Category.STUCK))
                .append(", residue ").append(report.count(Check.Category.RESIDUE)).append('\n');
        for (RuntimeReport.Group g : report.groups()) {
            out.append('\n').append(g.group().key()).append(": ").append(g.total()).append(" total");
            if (f.profile().isPresent() && !g.group().profiled()) {
                out.append(" (all profiles)");
            }
            out.append('\n');
            String counts = g.counts().entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            if (!counts.isEmpty()) {
                out.append("  states: ").append(counts).append('\n');
            }
            if (!g.oldest().isEmpty()) {
                out.append("  oldest: ").append(g.oldest().entrySet().stream()
                        .map(e -> e.getKey() + " " + age(e.getValue())).collect(Collectors.joining(", ")))
                        .append('\n');
            }
            for (RuntimeReport.Finding finding : g.findings()) {
                if (finding.count() == 0) {
                    continue;
                }
                out.append("  ").append(finding.check().category().key()).append(' ')
                        .append(finding.check().code()).append(": ").append(finding.count())
                        .append(finding.capped() ? "+" : "").append('\n');
                for (RuntimeReport.Example e : finding.examples()) {
                    out.append("    ").append(e.id()).append(' ').append(e.state()).append(' ')
                            .append(age(e.age())).append(' ').append(e.reason()).append('\n');
                }
            }
        }
        storage(out, report.storage());
        return out.toString();
    }

    private static void storage(StringBuilder out, RuntimeReport.Storage storage) {
        out.append("\nstorage: ");
        if (storage.lastPass().isEmpty()) {
            out.append("no completed drift pass yet");
        } else {
            var t = storage.lastPass().get().tally();
            out.append("last drift pass ended ").append(age(storage.lastPassAge().orElseThrow())).append(" ago: ")
                    .append(t.orphanObjects()).append(" orphan objects (").append(t.orphansDeleted())
                    .append(" deleted), ").append(t.missingObjects()).append(" missing objects");
        }
        out.append("; scanning at ").append(storage.position()).append('\n');
        storage.lastPass().ifPresent(p -> p.tally().examples().forEach(e -> out.append("    ").append(e).append('\n')));
    }

    /** {@code 3d4h}, {@code 2h5m}, {@code 2h}, {@code 15m}, {@code 42s}: the two largest units, a zero second one left out. */
    static String age(Duration d) {
        long s = d.toSeconds();
        if (s >= 86_400) {
            return two(s / 86_400, "d", (s % 86_400) / 3600, "h");
        }
        if (s >= 3600) {
            return two(s / 3600, "h", (s % 3600) / 60, "m");
        }
        if (s >= 60) {
            return two(s / 60, "m", s % 60, "s");
        }
        return s + "s";
    }

    private static String two(long major, String majorUnit, long minor, String minorUnit) {
        return major + majorUnit + (minor > 0 ? minor + minorUnit : "");
    }
}
