package dev.stowage.lambda.wiring;

import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.port.Metrics;
import dev.stowage.domain.port.OpsReport;
import dev.stowage.domain.port.StateCounts;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.ScheduledPurge;
import dev.stowage.lambda.config.PurgeSettings;
import dev.stowage.lambda.metrics.EmfMetrics;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Builds the operator report's use case, and the purge schedule's run that ends with it. */
@Factory
public class OpsFactory {

    @Singleton
    RuntimeStatus runtimeStatus(OpsReport report, Metrics metrics, Clock clock, PurgeSettings purge,
                                StorageDrift drift) {
        return new RuntimeStatus(report, metrics, clock, purge.unreferencedGraces(), drift);
    }

    @Singleton
    ScheduledPurge scheduledPurge(PurgeAbandonedUploads purge, StateCounts counts, RuntimeStatus status,
                                  EmfMetrics metrics) {
        return new ScheduledPurge(purge, counts, status, metrics, metrics.enabled());
    }
}
