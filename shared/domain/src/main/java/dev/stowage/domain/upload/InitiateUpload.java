package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.UploadSessions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens an upload session and the staged asset it will become, in one transaction. For multipart and
 * resumable sessions the server also plans the parts and opens the S3 multipart upload — after the
 * rows exist, so a crash in between leaves an upload the purger finds and aborts.
 */
public final class InitiateUpload {
    private static final Logger LOG = Logger.getLogger(InitiateUpload.class.getName());

    /** The request: what the caller declares about the file and how it will send it. */
    public record Command(UploadAdmission.Declared file, String strategy) {}

    private final UploadAdmission admission;
    private final UploadSessions sessions;
    private final MultipartStore multipart;
    private final Clock clock;

    public InitiateUpload(UploadAdmission admission, UploadSessions sessions, MultipartStore multipart, Clock clock) {
        this.admission = admission;
        this.sessions = sessions;
        this.multipart = multipart;
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
        return admission.admit(command.file()).flatMap(file -> {
            if (strategy.get() == UploadStrategy.PRESIGNED_PUT) {
                return Result.ok(open(caller, file, strategy.get(), Optional.empty()));
            }
            return PartPlan.forSize(file.byteSize())
                    .flatMap(plan -> openMultipart(open(caller, file, strategy.get(), Optional.of(plan))));
        });
    }

    private UploadSession open(Principal caller, UploadAdmission.Admitted file, UploadStrategy strategy,
                               Optional<PartPlan> plan) {
        // PostgreSQL keeps microseconds: truncate so what we return equals what a later read returns.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        UUID sessionId = UUID.randomUUID();
        UUID assetId = UUID.randomUUID();
        // A multipart upload is assembled by Stowage, at a key of its choosing: at the original, promotion copies
        // nothing. One whose declared checksum must be hashed from every byte is staged, for the S3 event's lane.
        String key = plan.isPresent() && file.checksumSha256().isEmpty() ? StorageKeys.original(assetId)
                : StorageKeys.stagingUpload(sessionId, file.filename());
        UploadSession session = new UploadSession(sessionId, caller, Optional.of(assetId), file.profile().name(),
                strategy, UploadState.INITIALIZED, key, file.filename(), file.contentType(), file.byteSize(),
                file.checksumSha256(), plan, Optional.empty(), now.plus(file.profile().sessionTtl()),
                Optional.empty(), now, now);
        Asset asset = Asset.staged(assetId, caller, file.profile().name(), file.filename(), file.contentType(),
                file.byteSize(), file.checksumSha256(), key, now);
        sessions.insertWithAsset(session, asset);
        return session;
    }

    private Result<UploadSession> openMultipart(UploadSession session) {
        try {
            String uploadId = multipart.create(session.uploadKey(), session.contentType());
            sessions.recordMultipartUpload(session.id(), uploadId);
            return Result.ok(sessions.findById(session.id()).orElseThrow());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "storage refused to open a multipart upload for session " + session.id(), e);
            // The stored reason is the stable code; storage's own text stays in the log.
            sessions.fail(session.id(), EnumSet.of(UploadState.INITIALIZED), ErrorCode.STORAGE_UNAVAILABLE.code());
            return Result.err(ErrorCode.STORAGE_UNAVAILABLE, "storage could not open the multipart upload; try again");
        }
    }
}
