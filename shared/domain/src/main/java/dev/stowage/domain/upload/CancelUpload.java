package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.UploadSessions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Cancels a session of any strategy: the database says {@code aborted} first, then storage is cleaned
 * best-effort. Cancelling again is a success; a completed upload cannot be cancelled.
 */
public final class CancelUpload {
    private static final Set<UploadState> CANCELLABLE = EnumSet.of(UploadState.INITIALIZED, UploadState.SIGNED,
            UploadState.RESUMING, UploadState.UPLOADING);

    private final UploadSessions sessions;
    private final UploadResidue residue;

    public CancelUpload(UploadSessions sessions, UploadResidue residue) {
        this.sessions = sessions;
        this.residue = residue;
    }

    public Result<UploadSession> execute(Principal caller, UUID sessionId) {
        return sessions.owned(sessionId, caller).flatMap(this::cancel);
    }

    private Result<UploadSession> cancel(UploadSession session) {
        if (CANCELLABLE.contains(session.state())) {
            sessions.transition(session.id(), CANCELLABLE, UploadState.ABORTED);
            session = sessions.findById(session.id()).orElseThrow();
        }
        return switch (session.state()) {
            case COMPLETED -> Result.err(ErrorCode.UPLOAD_COMPLETED, "the upload completed; delete the asset instead");
            case UPLOADED, VERIFYING -> Result.err(ErrorCode.INVALID_STATE, "the upload is being verified");
            case ABORTED, EXPIRED, FAILED -> {
                residue.clean(session);
                yield Result.ok(sessions.findById(session.id()).orElseThrow());
            }
            default -> throw new IllegalStateException("session " + session.id() + " still " + session.state());
        };
    }
}
