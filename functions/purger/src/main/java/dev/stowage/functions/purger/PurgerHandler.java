package dev.stowage.functions.purger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.ScheduledPurge;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge schedule → one {@link ScheduledPurge} run, whose counts are logged and returned. The schedule's
 * input may say {@code {"dryRun": true}} (top level or in {@code detail}) to report without deleting.
 * Retry-vs-drop: a failure propagates; the next scheduled run picks up whatever was left.
 */
@SerdeImport(PurgeAbandonedUploads.Report.class) // the domain record stays free of framework annotations
public class PurgerHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PurgerHandler.class);

    private final JsonMapper json;
    private final ScheduledPurge purge;
    private final SnapStartPriming priming;

    /** Used by the Lambda runtime. */
    public PurgerHandler() {
        this(ApplicationContext.run());
    }

    /**
     * With the SnapStart hook, which primes nothing (even a dry run lists the bucket, and a connection to S3 must
     * not be frozen into the snapshot) but closes the pool before it and reopens it after.
     */
    public PurgerHandler(ApplicationContext context) {
        this.json = context.getBean(JsonMapper.class);
        this.purge = context.getBean(ScheduledPurge.class);
        this.priming = SnapStartPriming.register(context, SnapStartPriming.Primer.NONE);
    }

    public SnapStartPriming priming() {
        return priming;
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
        json.writeValue(output, report);
    }
}
