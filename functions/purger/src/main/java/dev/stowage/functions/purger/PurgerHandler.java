package dev.stowage.functions.purger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stowage.domain.ops.ReportFilters;
import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.lambda.metrics.EmfMetrics;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge schedule → one purge run, whose counts are logged and returned. The schedule's input
 * may say {@code {"dryRun": true}} (top level or in {@code detail}) to report without deleting.
 * Retry-vs-drop: a failure propagates; the next scheduled run picks up whatever was left.
 *
 * <p>Each real run's counts go out as one EMF line ({@code Source=purger}); then the operator report of the whole
 * stack runs and writes its own, so the stuck-work and drift alarms follow this schedule even when no operator
 * asks. A report that fails is logged and dropped: the purge it follows has already happened.
 */
@SerdeImport(PurgeAbandonedUploads.Report.class) // the domain record stays free of framework annotations
public class PurgerHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PurgerHandler.class);

    private final JsonMapper json;
    private final PurgeAbandonedUploads purge;
    private final EmfMetrics metrics;
    private final RuntimeStatus status;

    /** Used by the Lambda runtime. */
    public PurgerHandler() {
        this(ApplicationContext.run());
    }

    public PurgerHandler(ApplicationContext context) {
        this.json = context.getBean(JsonMapper.class);
        this.purge = context.getBean(PurgeAbandonedUploads.class);
        this.metrics = context.getBean(EmfMetrics.class);
        this.status = context.getBean(RuntimeStatus.class);
    }

    /** The parts of a scheduled event (or a manual invocation's input) the purger reads. */
    @Serdeable
    public record Trigger(@Nullable Boolean dryRun, @Nullable Detail detail) {
        /** EventBridge puts a rule's constant input, or nothing, in {@code detail}. */
        @Serdeable
        public record Detail(@Nullable Boolean dryRun) {}

        boolean isDryRun() {
            return Boolean.TRUE.equals(dryRun) || (detail != null && Boolean.TRUE.equals(detail.dryRun()));
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Trigger trigger = json.readValue(input, Trigger.class);
        PurgeAbandonedUploads.Report report = purge.run(trigger.isDryRun());
        LOG.info("purge {}", report);
        if (metrics.enabled()) {
            if (!report.dryRun()) {
                metrics.gauges(Map.of("Source", "purger"), counts(report));
            }
            try {
                status.report(ReportFilters.defaults());
            } catch (RuntimeException e) {
                LOG.warn("the operator report after the purge failed; the next run tries again", e);
            }
        }
        json.writeValue(output, report);
    }

    /** The report's counters by name ({@code sessionsExpired}, ...), as gauges. */
    static Map<String, Long> counts(PurgeAbandonedUploads.Report report) {
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
