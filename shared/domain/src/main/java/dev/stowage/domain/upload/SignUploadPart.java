package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.profile.Profiles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;

/**
 * Signs one part of a multipart or resumable session, bound to that part's exact length. Never falls
 * back to a whole-object URL. The first signing moves the session to {@code signed}; later ones (or one
 * after the client came back to resume) to {@code uploading}.
 */
public final class SignUploadPart {
    private static final java.util.Set<UploadState> OPEN_FOR_PARTS =
            EnumSet.of(UploadState.SIGNED, UploadState.RESUMING, UploadState.UPLOADING);

    /** The session after signing, and the request for the part. */
    public record SignedPart(UploadSession session, int partNumber, long partSize, PresignedRequest request) {}

    private final UploadSessions sessions;
    private final MultipartStore multipart;
    private final Profiles profiles;
    private final Clock clock;

    public SignUploadPart(UploadSessions sessions, MultipartStore multipart, Profiles profiles, Clock clock) {
        this.sessions = sessions;
        this.multipart = multipart;
        this.profiles = profiles;
        this.clock = clock;
    }

    public Result<SignedPart> execute(Principal caller, UUID sessionId, int partNumber) {
        return sessions.owned(sessionId, caller).flatMap(session -> sign(session, partNumber));
    }

    private Result<SignedPart> sign(UploadSession session, int partNumber) {
        if (!session.isMultipart()) {
            return Result.err(ErrorCode.INVALID_STATE, "a direct session signs one whole-object URL: POST /v1/uploads/"
                    + session.id() + "/url");
        }
        PartPlan plan = session.partPlan().orElseThrow();
        if (!plan.contains(partNumber)) {
            return Result.err(ErrorCode.INVALID_PART_NUMBER,
                    "part " + partNumber + " is outside 1.." + plan.partCount());
        }
        Instant now = clock.instant();
        if (session.expiredAt(now)) {
            return Result.err(ErrorCode.SESSION_EXPIRED, "upload session expired at " + session.expiresAt());
        }
        if (session.multipartUploadId().isEmpty()) {
            return Result.err(ErrorCode.INVALID_STATE, "storage has not opened this session's multipart upload");
        }
        switch (session.state()) {
            case INITIALIZED -> sessions.transition(session.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
            case SIGNED, RESUMING -> sessions.transition(session.id(),
                    EnumSet.of(UploadState.SIGNED, UploadState.RESUMING), UploadState.UPLOADING);
            case UPLOADING -> { }
            default -> {
                return Result.err(ErrorCode.INVALID_STATE, "upload session is " + session.state().wire());
            }
        }
        // The transition is a compare-and-set: a cancel, an expiry or a complete may have won it. Sign only
        // for a session that is still open for parts.
        session = sessions.findById(session.id()).orElseThrow();
        if (!OPEN_FOR_PARTS.contains(session.state())) {
            return Result.err(ErrorCode.INVALID_STATE, "upload session is " + session.state().wire());
        }
        Duration ttl = session.urlTtl(profiles.find(session.profile()).orElseThrow().signTtl(), now);
        long size = plan.sizeOf(partNumber);
        PresignedRequest request = multipart.presignPart(session.uploadKey(), session.multipartUploadId().get(),
                partNumber, size, ttl);
        return Result.ok(new SignedPart(session, partNumber, size, request));
    }
}
