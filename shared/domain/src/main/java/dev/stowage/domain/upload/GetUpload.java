package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.UploadSessions;
import java.util.UUID;

/** Reads one of the caller's upload sessions. */
public final class GetUpload {
    private final UploadSessions sessions;

    public GetUpload(UploadSessions sessions) {
        this.sessions = sessions;
    }

    public Result<UploadSession> execute(Principal caller, UUID sessionId) {
        return sessions.find(sessionId, caller)
                .<Result<UploadSession>>map(Result::ok)
                .orElseGet(() -> Result.err(ErrorCode.UPLOAD_NOT_FOUND, "no upload session " + sessionId));
    }
}
