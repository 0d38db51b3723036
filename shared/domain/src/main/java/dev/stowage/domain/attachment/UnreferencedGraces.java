package dev.stowage.domain.attachment;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the purger keeps an asset that no attachment references: {@code detached} after it lost its last
 * attachment (an undo window), {@code unattached} after it settled (was promoted or quarantined) when it was
 * never attached (the time a client has between its upload and its attach).
 */
public record UnreferencedGraces(Duration detached, Duration unattached) {
    public UnreferencedGraces {
        Objects.requireNonNull(detached, "detached");
        Objects.requireNonNull(unattached, "unattached");
        if (detached.isNegative() || unattached.isNegative()) {
            throw new IllegalArgumentException("graces must not be negative: " + detached + ", " + unattached);
        }
    }
}
