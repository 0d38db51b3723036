package dev.stowage.lambda.wiring;

import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.export.DeleteExport;
import dev.stowage.domain.export.DownloadExport;
import dev.stowage.domain.export.ExportTokens;
import dev.stowage.domain.export.GenerateExport;
import dev.stowage.domain.export.GetExport;
import dev.stowage.domain.export.ListExports;
import dev.stowage.domain.export.PurgeExpiredExports;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.lambda.config.ExportSettings;
import dev.stowage.lambda.config.Invalid;
import dev.stowage.lambda.config.PurgeSettings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Builds the export use cases; only the exports function builds the signer, and so needs the secret. The
 * export-worker builds {@link GenerateExport} only.
 */
@Factory
public class ExportsFactory {

    @Singleton
    ExportTokens exportTokens(ExportSettings settings, Clock clock) {
        if (settings.secret() == null || settings.secret().getBytes(StandardCharsets.UTF_8).length
                < ExportTokens.MIN_SECRET_BYTES) {
            throw Invalid.setting("stowage.exports.secret", "is required, at least " + ExportTokens.MIN_SECRET_BYTES
                    + " bytes (on AWS: the SecureString the ExportsSecretParameter names)");
        }
        boolean rotating = settings.previousSecret() != null && !settings.previousSecret().isEmpty();
        return new ExportTokens(settings.secret().getBytes(StandardCharsets.UTF_8),
                rotating ? Optional.of(settings.previousSecret().getBytes(StandardCharsets.UTF_8)) : Optional.empty(),
                rotating ? ExportSettings.previousUntil(settings.previousSecretValidUntil()) : Instant.MIN, clock);
    }

    @Singleton
    CreateExport createExport(Exports exports, AssetInventory inventory, MultipartStore multipart, ObjectStore store,
                              WorkQueue work, Clock clock, ExportSettings settings) {
        return new CreateExport(exports, inventory, multipart, store, work, clock, settings.limits());
    }

    @Singleton
    GenerateExport generateExport(Exports exports, AssetInventory inventory, MultipartStore multipart,
                                  ObjectStore store, ExportSettings settings) {
        return new GenerateExport(exports, inventory, multipart, store, settings.limits(), settings.maxAttempts());
    }

    @Singleton
    GetExport getExport(Exports exports, ExportTokens tokens, Clock clock) {
        return new GetExport(exports, tokens, clock);
    }

    @Singleton
    ListExports listExports(Exports exports, ExportTokens tokens, Clock clock, ExportSettings settings) {
        return new ListExports(exports, tokens, clock, settings.listLimit());
    }

    @Singleton
    DeleteExport deleteExport(Exports exports, ObjectStore store, Clock clock) {
        return new DeleteExport(exports, store, clock);
    }

    @Singleton
    DownloadExport downloadExport(Exports exports, ObjectStore store, ExportTokens tokens, Clock clock,
                                  ExportSettings settings) {
        return new DownloadExport(exports, store, tokens, clock, settings.linkTtl());
    }

    @Singleton
    PurgeExpiredExports purgeExpiredExports(Exports exports, ObjectStore store, MultipartStore multipart,
                                            WorkQueue work, Clock clock, ExportSettings settings,
                                            PurgeSettings purge) {
        return new PurgeExpiredExports(exports, store, multipart, work, clock, settings.pendingLease(),
                settings.requeueAfter(), settings.queuedDeadline(), purge.batchSize());
    }
}
