package dev.stowage.domain.profile;

import java.time.Duration;

/** How an asset is delivered: a public URL, or a signed one that expires after {@code ttl}. */
public record Delivery(Mode mode, Duration ttl) {

    public enum Mode { PUBLIC, SIGNED }
}
