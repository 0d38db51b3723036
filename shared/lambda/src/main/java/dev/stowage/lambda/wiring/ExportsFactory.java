package dev.stowage.lambda.wiring;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
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
import dev.stowage.domain.port.SigningKeys;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.lambda.config.ExportSettings;
import dev.stowage.lambda.config.Invalid;
import dev.stowage.lambda.config.PurgeSettings;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.secrets.ParameterSigningKeys;
import dev.stowage.lambda.secrets.SsmParameterStore;
import io.micronaut.context.annotation.Factory;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Builds the export use cases and where their signing keys come from. The export-worker builds
 * {@link GenerateExport} only.
 */
@Factory
public class ExportsFactory {
    private static final Logger LOG = Logger.getLogger(ExportsFactory.class.getName());

    /**
     * Configuration-held secrets when {@code stowage.exports.secret} is set (locally, in tests); else the SSM
     * parameter {@code stowage.exports.signing-parameter} names (on AWS), read lazily. With neither, the
     * export routes answer {@code signing_unavailable} naming the settings: the other functions hold this
     * bean too and must still start.
     */
    @Singleton
    SigningKeys signingKeys(ExportSettings settings, Clock clock, JsonMapper json, Provider<SsmParameterStore> ssm) {
        if (settings.secret() != null && !settings.secret().isEmpty()) {
            if (settings.secret().getBytes(StandardCharsets.UTF_8).length < ExportTokens.MIN_SECRET_BYTES) {
                throw Invalid.setting("stowage.exports.secret", "must be at least " + ExportTokens.MIN_SECRET_BYTES
                        + " bytes");
            }
            boolean rotating = settings.previousSecret() != null && !settings.previousSecret().isEmpty();
            if (rotating && settings.previousSecret().getBytes(StandardCharsets.UTF_8).length
                    < ExportTokens.MIN_SECRET_BYTES) {
                throw Invalid.setting("stowage.exports.previous-secret", "must be at least "
                        + ExportTokens.MIN_SECRET_BYTES + " bytes");
            }
            return SigningKeys.fixed(new SigningKeys.Keys(settings.secret().getBytes(StandardCharsets.UTF_8),
                    rotating ? Optional.of(settings.previousSecret().getBytes(StandardCharsets.UTF_8))
                            : Optional.empty(),
                    rotating ? ExportSettings.previousUntil(settings.previousSecretValidUntil()) : Instant.MIN));
        }
        if (settings.signingParameter() == null || settings.signingParameter().isBlank()) {
            LOG.fine("no export signing secret configured: export links answer signing_unavailable here");
            return () -> Result.err(ErrorCode.SIGNING_UNAVAILABLE, "no export signing secret is configured "
                    + "(stowage.exports.secret, or stowage.exports.signing-parameter naming an SSM parameter)");
        }
        return new ParameterSigningKeys(name -> ssm.get().secureString(name), settings.signingParameter(), json,
                clock, settings.signingCacheTtl(), Duration.ofSeconds(Problems.RETRY_AFTER_SECONDS));
    }

    @Singleton
    ExportTokens exportTokens(SigningKeys keys, Clock clock) {
        return new ExportTokens(keys, clock);
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
