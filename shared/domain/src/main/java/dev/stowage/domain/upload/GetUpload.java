package dev.stowage.domain.upload;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.MultipartStore.Part;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.UploadSessions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads one of the caller's sessions. For multipart and resumable sessions it also reports what
 * storage holds (from ListParts, never from the client's word), so a client that lost its connection
 * resumes from there; such a look at a signed resumable session marks it {@code resuming}.
 */
public final class GetUpload {

    /** Where an upload stands from the client's point of view. */
    public enum Progress { IN_PROGRESS, COMPLETE, EXPIRED, ABORTED, FAILED }

    /** The session, plus for multipart sessions the parts storage holds. */
    public record Status(UploadSession session, Progress progress, Optional<Committed> committed) {}

    /** The bytes storage has accepted so far. */
    public record Committed(long bytes, List<Part> parts) {}

    private final UploadSessions sessions;
    private final MultipartStore multipart;
    private final Clock clock;

    public GetUpload(UploadSessions sessions, MultipartStore multipart, Clock clock) {
        this.sessions = sessions;
        this.multipart = multipart;
        this.clock = clock;
    }

    public Result<Status> execute(Principal caller, UUID sessionId) {
        return sessions.owned(sessionId, caller).flatMap(this::status);
    }

    private Result<Status> status(UploadSession session) {
        Optional<Committed> committed = Optional.empty();
        if (session.isMultipart() && session.multipartUploadId().isPresent() && !session.state().isTerminal()) {
            List<Part> parts = multipart.listParts(session.uploadKey(), session.multipartUploadId().get());
            committed = Optional.of(new Committed(parts.stream().mapToLong(Part::size).sum(), parts));
            if (session.strategy() == UploadStrategy.RESUMABLE && session.state() == UploadState.SIGNED
                    && !parts.isEmpty()
                    && sessions.transition(session.id(), EnumSet.of(UploadState.SIGNED), UploadState.RESUMING)) {
                session = sessions.findById(session.id()).orElseThrow();
            }
        }
        return Result.ok(new Status(session, progressOf(session), committed));
    }

    private Progress progressOf(UploadSession s) {
        return switch (s.state()) {
            case COMPLETED -> Progress.COMPLETE;
            case EXPIRED -> Progress.EXPIRED;
            case ABORTED -> Progress.ABORTED;
            case FAILED -> Progress.FAILED;
            case UPLOADED, VERIFYING -> Progress.IN_PROGRESS;
            // Open past its expiry: the purger has not got to it yet, but no URL will be signed for it.
            default -> s.expiredAt(clock.instant()) ? Progress.EXPIRED : Progress.IN_PROGRESS;
        };
    }
}
