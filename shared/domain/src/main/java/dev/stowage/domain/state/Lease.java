package dev.stowage.domain.state;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A claim on a transient state's lane (verifying, analyzing): {@code owner} holds it for {@code length}
 * from when the database grants it. It must outlast the longest invocation that can hold it (the
 * function's timeout), so a lane is only taken over from a holder that is certainly gone.
 */
public record Lease(String owner, Duration length) {
    public Lease {
        Objects.requireNonNull(owner, "owner");
        if (length.isNegative()) {
            throw new IllegalArgumentException("a lease cannot be negative: " + length);
        }
    }

    /** A fresh claim for one invocation. */
    public static Lease fresh(Duration length) {
        return new Lease(UUID.randomUUID().toString(), length);
    }
}
