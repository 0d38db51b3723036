package dev.stowage.domain.profile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** One derivative a profile asks for: a box to fit into, an output format and quality. */
public record VariantSpec(String name, int width, int height, Fit fit, String format, int quality) {

    /** How the source is fitted into the box. */
    public enum Fit {
        /** Scaled to cover the whole box, centred and cropped to exactly the box. */
        COVER,
        /** Scaled to fit inside the box keeping its aspect, never enlarged. */
        CONTAIN,
        /** Stretched to exactly the box, aspect ignored. */
        FILL
    }

    /** Width and height in pixels. */
    public record Size(int width, int height) {}

    /**
     * The exact size of the variant rendered from a {@code sourceWidth}×{@code sourceHeight} image (as
     * displayed, after EXIF orientation): every renderer produces precisely this, so the fit is the same
     * to the pixel whichever one runs. {@code contain} rounds the scaled side to the nearest pixel, at
     * least 1, and never enlarges; {@code cover} and {@code fill} are always the box.
     */
    public Size outputSize(int sourceWidth, int sourceHeight) {
        if (sourceWidth <= 0 || sourceHeight <= 0) {
            throw new IllegalArgumentException("source size must be positive, was " + sourceWidth + "x" + sourceHeight);
        }
        return switch (fit) {
            case COVER, FILL -> new Size(width, height);
            case CONTAIN -> {
                double scale = Math.min(1.0, Math.min((double) width / sourceWidth, (double) height / sourceHeight));
                yield new Size(Math.max(1, (int) Math.round(sourceWidth * scale)),
                        Math.max(1, (int) Math.round(sourceHeight * scale)));
            }
        };
    }

    /** The media type of the rendered file. */
    public String contentType() {
        return "image/" + format;
    }

    /**
     * A digest of everything that decides the rendered bytes (not the name): stored with each variant, so
     * a recipe changed in configuration makes the variants rendered from the old one stale, and part of
     * the variant's storage key, so a re-render never overwrites bytes a cache may still hold.
     */
    public String recipeDigest() {
        String recipe = String.format(Locale.ROOT, "v1;%dx%d;%s;%s;q%d", width, height,
                fit.name().toLowerCase(Locale.ROOT), format, quality);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipe.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
