package dev.stowage.domain.asset;

import java.util.Optional;

/**
 * What probing measured from the bytes. Dimension and duration fields are null when they do not
 * apply or could not be read; {@code width}/{@code height} are as displayed (EXIF orientation applied).
 */
public record ProbeResult(
        String contentType,
        MediaKind kind,
        Integer width,
        Integer height,
        Integer orientation,
        Long durationMs,
        Boolean hasVideoTrack,
        Boolean hasAudioTrack) {

    /** Longer than any real recording: a header stating more is corrupt or hostile, not a long film. */
    public static final long MAX_DURATION_MS = 366L * 24 * 60 * 60 * 1000;

    public static ProbeResult of(String contentType, MediaKind kind) {
        return new ProbeResult(contentType, kind, null, null, null, null, null, null);
    }

    /**
     * Why a measured value cannot be true of any real file, if one cannot: parsers read what headers
     * state, and a header can state anything (a duration of 10^16 s, a width of -1).
     */
    public Optional<String> implausibility() {
        if (width != null && width <= 0 || height != null && height <= 0) {
            return Optional.of("the stated size " + width + "x" + height + " is not a picture's");
        }
        if (orientation != null && (orientation < 1 || orientation > 8)) {
            return Optional.of("the stated orientation " + orientation + " is not one of EXIF's 1-8");
        }
        if (durationMs != null && (durationMs < 0 || durationMs > MAX_DURATION_MS)) {
            return Optional.of("the stated duration of " + durationMs + " ms is not a recording's");
        }
        return Optional.empty();
    }

    /** Only what the bytes' type says, for a file whose other measurements cannot be trusted. */
    public ProbeResult typeOnly() {
        return of(contentType, kind);
    }
}
