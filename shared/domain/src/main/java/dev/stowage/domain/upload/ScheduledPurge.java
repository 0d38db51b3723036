package dev.stowage.domain.upload;

import dev.stowage.domain.ops.ReportFilters;
import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.port.Metrics;
import dev.stowage.domain.port.StateCounts;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One run of the purge schedule: the purge, the fold of the state-count log (so the report's sums stay short),
 * then (where gauges are published) the purge's counts as one set of gauges ({@code Source=purger}) and the
 * operator report of the whole stack, which writes its own, so the stuck-work and drift alarms follow this
 * schedule even when no operator asks. A fold or report that fails is logged and dropped: the purge it follows
 * has already happened, the counts stay exact (an unfolded change is still summed), and the next run tries again.
 */
public final class ScheduledPurge {
    private static final Logger LOG = Logger.getLogger(ScheduledPurge.class.getName());

    private final PurgeAbandonedUploads purge;
    private final StateCounts counts;
    private final RuntimeStatus status;
    private final Metrics metrics;
    private final boolean publishGauges;

    public ScheduledPurge(PurgeAbandonedUploads purge, StateCounts counts, RuntimeStatus status, Metrics metrics,
                          boolean publishGauges) {
        this.purge = purge;
        this.counts = counts;
        this.status = status;
        this.metrics = metrics;
        this.publishGauges = publishGauges;
    }

    public PurgeAbandonedUploads.Report run(boolean dryRun) {
        PurgeAbandonedUploads.Report report = purge.run(dryRun);
        if (!dryRun) {
            try {
                counts.fold();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "folding the state-count log failed; the next run tries again", e);
            }
        }
        if (publishGauges) {
            if (!report.dryRun()) {
                metrics.gauges(Map.of("Source", "purger"), counts(report));
            }
            try {
                status.report(ReportFilters.defaults());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the operator report after the purge failed; the next run tries again", e);
            }
        }
        return report;
    }

    /** The report's counters by name ({@code sessionsExpired}, ...), as gauges. */
    public static Map<String, Long> counts(PurgeAbandonedUploads.Report report) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (RecordComponent c : PurgeAbandonedUploads.Report.class.getRecordComponents()) {
            if (c.getType() == int.class) {
                try {
                    counts.put(c.getName(), ((Integer) c.getAccessor().invoke(report)).longValue());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("a record's accessor is public", e);
                }
            }
        }
        return counts;
    }
}
