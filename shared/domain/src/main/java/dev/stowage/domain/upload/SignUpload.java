package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.profile.Profiles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

/**
 * Issues the presigned PUT for a direct session: bound to the declared content type, exact length
 * and checksum, and never outliving the session. Signing again before the upload is allowed.
 */
public final class SignUpload {

    /** The session after signing, and the request the client must make. */
    public record Signed(UploadSession session, PresignedRequest request) {}

    private final UploadSessions sessions;
    private final ObjectStore store;
    private final Profiles profiles;
    private final Clock clock;

    public SignUpload(UploadSessions sessions, ObjectStore store, Profiles profiles, Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.profiles = profiles;
        this.clock = clock;
    }

    public Result<Signed> execute(Principal caller, java.util.UUID sessionId) {
        return sessions.owned(sessionId, caller).flatMap(this::sign);
    }

    private Result<Signed> sign(UploadSession session) {
        if (session.strategy() != UploadStrategy.PRESIGNED_PUT) {
            return Result.err(ErrorCode.INVALID_STATE, "a " + session.strategy().apiName()
                    + " session signs its parts, not a whole-object URL");
        }
        Instant now = clock.instant();
        if (session.expiredAt(now)) {
            return Result.err(ErrorCode.SESSION_EXPIRED, "upload session expired at " + session.expiresAt());
        }
        if (session.state() == UploadState.INITIALIZED) {
            sessions.transition(session.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
            session = sessions.findById(session.id()).orElseThrow();
        }
        if (session.state() != UploadState.SIGNED) {
            return Result.err(ErrorCode.INVALID_STATE, "upload session is " + session.state().wire()
                    + "; only initialized or signed sessions can be signed");
        }
        Duration ttl = session.urlTtl(profiles.find(session.profile()).orElseThrow().signTtl(), now);
        PresignedRequest request = store.presignPut(new ObjectStore.PutSpec(session.uploadKey(),
                session.contentType(), session.byteSize(), session.checksumSha256(), ttl));
        return Result.ok(new Signed(session, request));
    }
}
