package dev.stowage.domain.port;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the export download-link secrets come from: configuration (locally, in tests) or a secret store
 * (on AWS). Asked on every token operation, so an implementation that fetches caches; when it cannot
 * answer, it says {@link ErrorCode#SIGNING_UNAVAILABLE} and nothing is signed or accepted.
 */
public interface SigningKeys {
    /** The shortest secret accepted: as many bytes as the MAC. */
    int MIN_SECRET_BYTES = 32;

    Result<Keys> keys();

    /**
     * The current secret and, during a rotation, the previous one with the instant its tokens stop being
     * accepted ({@link Instant#MIN} when there is none).
     */
    record Keys(byte[] current, Optional<byte[]> previous, Instant previousValidUntil) {
        public Keys {
            if (current.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("export secret must be at least " + MIN_SECRET_BYTES + " bytes");
            }
            if (previous.isPresent() && previous.get().length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("previous export secret must be at least " + MIN_SECRET_BYTES
                        + " bytes");
            }
            current = current.clone();
            previous = previous.map(byte[]::clone);
        }
    }

    /** Keys that never change: configuration-held secrets. */
    static SigningKeys fixed(Keys keys) {
        Result<Keys> ok = Result.ok(keys);
        return () -> ok;
    }
}
