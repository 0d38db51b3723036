package dev.stowage.domain.port;

import dev.stowage.domain.profile.VariantSpec;

/**
 * Turns an original image into one variant. Implementations apply EXIF orientation, strip every piece of
 * metadata, produce exactly {@link VariantSpec#outputSize} pixels, keep alpha where the output format has
 * it (flattening on white where it has not) and take the first frame of an animation. They refuse an
 * input whose header declares more pixels than their budget before decoding any of it.
 */
public interface VariantRenderer {

    /** Which renderer this is, for logs and the benchmark: {@code libvips} or {@code java}. */
    String name();

    /** Whether this renderer can write {@code format} ({@code jpeg}, {@code png}, {@code webp}, {@code gif}). */
    boolean writes(String format);

    /**
     * Throws {@link Refused} for input it will not or cannot render; any other exception is transient. Bad input
     * (not an image, a header declaring too many pixels, truncated or corrupt data) is always a {@link Refused},
     * the same one whichever renderer runs, and never costs more memory than the budget allows.
     */
    Rendering render(byte[] source, VariantSpec spec);

    /** The encoded variant and its size in pixels. */
    record Rendering(byte[] bytes, String contentType, int width, int height) {}

    /**
     * The input can never be rendered, however often it is retried: a stable {@code reason}
     * ({@code too_many_pixels}, {@code unsupported_format}, {@code undecodable_image}) and a detail for people.
     */
    final class Refused extends RuntimeException {
        private final String reason;

        public Refused(String reason, String detail) {
            super(reason + ": " + detail);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
