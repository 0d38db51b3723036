package dev.stowage.domain.asset;

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

    public static ProbeResult of(String contentType, MediaKind kind) {
        return new ProbeResult(contentType, kind, null, null, null, null, null, null);
    }
}
