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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Signs parts of a multipart or resumable session, each bound to its exact length: one, or up to
 * {@link #MAX_PARTS_PER_CALL} in one call (a client signs its parts ahead instead of one round trip
 * before each PUT). Never falls back to a whole-object URL. The first signing moves the session to
 * {@code signed}; later ones (or one after the client came back to resume) to {@code uploading}.
 */
public final class SignUploadPart {
    private static final Set<UploadState> OPEN_FOR_PARTS =
            EnumSet.of(UploadState.SIGNED, UploadState.RESUMING, UploadState.UPLOADING);
    /** The most parts one call signs: its answer (about 1 KB a part) stays far inside a Lambda response's 6 MB. */
    public static final int MAX_PARTS_PER_CALL = 1000;

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
        return executeAll(caller, sessionId, List.of(partNumber)).map(List::getFirst);
    }

    /** Signs the parts named, in the order named; a number outside the plan, or named twice, refuses them all. */
    public Result<List<SignedPart>> executeAll(Principal caller, UUID sessionId, List<Integer> partNumbers) {
        return sessions.owned(sessionId, caller).flatMap(session -> sign(session, partNumbers));
    }

    private Result<List<SignedPart>> sign(UploadSession session, List<Integer> partNumbers) {
        if (!session.isMultipart()) {
            return Result.err(ErrorCode.INVALID_STATE, "a direct session signs one whole-object URL: POST /v1/uploads/"
                    + session.id() + "/url");
        }
        PartPlan plan = session.partPlan().orElseThrow();
        if (partNumbers.isEmpty() || partNumbers.size() > MAX_PARTS_PER_CALL) {
            return Result.err(ErrorCode.INVALID_PART_NUMBER, "name 1 to " + MAX_PARTS_PER_CALL
                    + " part numbers, not " + partNumbers.size());
        }
        Set<Integer> seen = new HashSet<>();
        for (Integer n : partNumbers) {
            if (n == null || !plan.contains(n)) {
                return Result.err(ErrorCode.INVALID_PART_NUMBER, "part " + n + " is outside 1.." + plan.partCount());
            }
            if (!seen.add(n)) {
                return Result.err(ErrorCode.DUPLICATE_PART, "part " + n + " is named twice");
            }
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
        UploadSession open = sessions.findById(session.id()).orElseThrow();
        if (!OPEN_FOR_PARTS.contains(open.state())) {
            return Result.err(ErrorCode.INVALID_STATE, "upload session is " + open.state().wire());
        }
        Duration ttl = open.urlTtl(profiles.find(open.profile()).orElseThrow().signTtl(), now);
        String uploadId = open.multipartUploadId().get();
        return Result.ok(partNumbers.stream().map(n -> {
            long size = plan.sizeOf(n);
            return new SignedPart(open, n, size, multipart.presignPart(open.uploadKey(), uploadId, n, size, ttl));
        }).toList());
    }
}
