package dev.stowage.domain.profile;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A streaming-enabled profile's provider settings: which provider takes the browser's bytes, whether its
 * playback ids are public or signed, the one browser origin allowed to upload ({@code cors-origin}), and
 * how long a direct upload may stay open before the provider (and the purger) gives up on it.
 */
public record Streaming(String provider, PlaybackPolicy playbackPolicy, Optional<String> corsOrigin,
                        Duration timeout) {

    /** Mux accepts a direct-upload timeout of 60 s to 7 days. */
    public static final Duration MIN_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    public enum PlaybackPolicy { PUBLIC, SIGNED }

    public Streaming {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(playbackPolicy, "playbackPolicy");
        Objects.requireNonNull(corsOrigin, "corsOrigin");
        Objects.requireNonNull(timeout, "timeout");
    }
}
