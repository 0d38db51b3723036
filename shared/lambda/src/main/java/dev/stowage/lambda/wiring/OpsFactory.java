package dev.stowage.lambda.wiring;

import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.port.Metrics;
import dev.stowage.domain.port.OpsReport;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.lambda.config.PurgeSettings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Builds the operator report's use case. */
@Factory
public class OpsFactory {

    @Singleton
    RuntimeStatus runtimeStatus(OpsReport report, Metrics metrics, Clock clock, PurgeSettings purge,
                                StorageDrift drift) {
        return new RuntimeStatus(report, metrics, clock, purge.detachedGrace(), drift);
    }
}
