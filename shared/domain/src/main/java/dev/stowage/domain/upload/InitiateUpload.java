package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.UploadSessions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** Opens an upload session and the staged asset it will become, in one transaction. */
public final class InitiateUpload {

    /** The request: what the caller declares about the file and how it will send it. */
    public record Command(UploadAdmission.Declared file, String strategy) {}

    private final UploadAdmission admission;
    private final UploadSessions sessions;
    private final Clock clock;

    public InitiateUpload(UploadAdmission admission, UploadSessions sessions, Clock clock) {
        this.admission = admission;
        this.sessions = sessions;
        this.clock = clock;
    }

    public Result<UploadSession> execute(Principal caller, Command command) {
        Optional<UploadStrategy> strategy = command.strategy() == null
                ? Optional.of(UploadStrategy.PRESIGNED_PUT)
                : UploadStrategy.fromApiName(command.strategy());
        if (strategy.isEmpty()) {
            return Result.err(ErrorCode.UNSUPPORTED_STRATEGY,
                    "strategy must be one of direct, multipart, resumable");
        }
        if (strategy.get() != UploadStrategy.PRESIGNED_PUT) {
            return Result.err(ErrorCode.UNSUPPORTED_STRATEGY,
                    "strategy '" + command.strategy() + "' is not available yet; use direct");
        }
        return admission.admit(command.file()).map(ok -> open(caller, ok, strategy.get()));
    }

    private UploadSession open(Principal caller, UploadAdmission.Admitted file, UploadStrategy strategy) {
        // PostgreSQL keeps microseconds: truncate so what we return equals what a later read returns.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        UUID sessionId = UUID.randomUUID();
        UUID assetId = UUID.randomUUID();
        String key = StorageKeys.stagingUpload(sessionId, file.filename());
        UploadSession session = new UploadSession(sessionId, caller, assetId, file.profile().name(), strategy,
                UploadState.INITIALIZED, key, file.filename(), file.contentType(), file.byteSize(),
                file.checksumSha256(), now.plus(file.profile().sessionTtl()), Optional.empty(), now, now);
        Asset asset = Asset.staged(assetId, caller, file.profile().name(), file.filename(), file.contentType(),
                file.byteSize(), file.checksumSha256(), key, now);
        sessions.insertWithAsset(session, asset);
        return session;
    }
}
