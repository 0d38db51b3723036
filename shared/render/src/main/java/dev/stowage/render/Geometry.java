package dev.stowage.render;

import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.profile.VariantSpec.Size;
import java.awt.Rectangle;

/** The arithmetic both renderers share: which part of the source a variant shows, in displayed and stored pixels. */
final class Geometry {
    private Geometry() {}

    /**
     * The part of a {@code width}×{@code height} displayed image the variant shows: the centred box with the
     * output's aspect for {@code cover} (what is left after cropping the scaled image), the whole image otherwise.
     */
    static Rectangle shownRegion(VariantSpec.Fit fit, int width, int height, Size out) {
        if (fit != VariantSpec.Fit.COVER) {
            return new Rectangle(0, 0, width, height);
        }
        if ((long) width * out.height() > (long) height * out.width()) {
            int w = (int) Math.max(1, Math.min(width, Math.round((double) height * out.width() / out.height())));
            return new Rectangle((width - w) / 2, 0, w, height);
        }
        int h = (int) Math.max(1, Math.min(height, Math.round((double) width * out.height() / out.width())));
        return new Rectangle(0, (height - h) / 2, width, h);
    }

    /**
     * Where the displayed pixel ({@code x}, {@code y}) of an image stored {@code w}×{@code h} with EXIF
     * {@code orientation} is stored, as {x, y}.
     */
    static int[] storedPixel(int orientation, int w, int h, int x, int y) {
        return switch (orientation) {
            case 2 -> new int[] {w - 1 - x, y};
            case 3 -> new int[] {w - 1 - x, h - 1 - y};
            case 4 -> new int[] {x, h - 1 - y};
            case 5 -> new int[] {y, x};
            case 6 -> new int[] {y, h - 1 - x};
            case 7 -> new int[] {w - 1 - y, h - 1 - x};
            case 8 -> new int[] {w - 1 - y, x};
            default -> new int[] {x, y};
        };
    }

    /** The stored rectangle holding the displayed rectangle {@code shown}. */
    static Rectangle storedRegion(int orientation, int w, int h, Rectangle shown) {
        int[] a = storedPixel(orientation, w, h, shown.x, shown.y);
        int[] b = storedPixel(orientation, w, h, shown.x + shown.width - 1, shown.y + shown.height - 1);
        int x0 = Math.min(a[0], b[0]);
        int y0 = Math.min(a[1], b[1]);
        return new Rectangle(x0, y0, Math.abs(a[0] - b[0]) + 1, Math.abs(a[1] - b[1]) + 1);
    }
}
