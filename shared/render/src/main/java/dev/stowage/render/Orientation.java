package dev.stowage.render;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The EXIF orientation tag (1–8) of a JPEG, PNG ({@code eXIf}) or WebP ({@code EXIF} chunk), read from the
 * bytes without decoding anything; 1 when absent or unreadable. libvips reads the same tag from the same places.
 */
final class Orientation {
    private Orientation() {}

    /** Whether this orientation swaps width and height (a quarter turn, possibly mirrored). */
    static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    static int of(byte[] b, SourceFormat format) {
        try {
            return switch (format) {
                case JPEG -> jpeg(b);
                case PNG -> png(b);
                case WEBP -> webp(b);
                case GIF -> 1;
            };
        } catch (RuntimeException malformed) {
            return 1; // a broken EXIF block is ignored, as libvips ignores it
        }
    }

    private static int jpeg(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                i += 2;
                continue;
            }
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // image data starts: no EXIF before it
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker == 0xE1 && length >= 8 && i + 10 <= b.length
                    && b[i + 4] == 'E' && b[i + 5] == 'x' && b[i + 6] == 'i' && b[i + 7] == 'f'
                    && b[i + 8] == 0 && b[i + 9] == 0) {
                return tiff(b, i + 10, Math.min(b.length, i + 2 + length));
            }
            i += 2 + length;
        }
        return 1;
    }

    private static int png(byte[] b) {
        int i = 8;
        while (i + 8 <= b.length) {
            int length = ByteBuffer.wrap(b, i, 4).getInt();
            if (length < 0) {
                return 1;
            }
            String type = new String(b, i + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("eXIf")) {
                return tiff(b, i + 8, Math.min(b.length, i + 8 + length));
            }
            if (type.equals("IDAT") || type.equals("IEND")) {
                return 1;
            }
            i += 12 + length;
        }
        return 1;
    }

    private static int webp(byte[] b) {
        int i = 12;
        while (i + 8 <= b.length) {
            String type = new String(b, i, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int length = ByteBuffer.wrap(b, i + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (length < 0) {
                return 1;
            }
            if (type.equals("EXIF")) {
                int start = i + 8;
                // Some writers keep the JPEG "Exif\0\0" prefix inside the chunk.
                if (start + 6 <= b.length && b[start] == 'E' && b[start + 1] == 'x' && b[start + 4] == 0) {
                    start += 6;
                }
                return tiff(b, start, Math.min(b.length, i + 8 + length));
            }
            i += 8 + length + (length & 1);
        }
        return 1;
    }

    /** Reads tag 0x0112 of IFD0 from a TIFF structure at {@code start}. */
    private static int tiff(byte[] b, int start, int end) {
        ByteBuffer t = ByteBuffer.wrap(b, start, end - start).slice();
        if (t.remaining() < 8) {
            return 1;
        }
        t.order(t.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = t.getInt(4);
        if (ifd < 8 || ifd + 2 > t.limit()) {
            return 1;
        }
        int count = t.getShort(ifd) & 0xFFFF;
        for (int n = 0; n < count; n++) {
            int entry = ifd + 2 + n * 12;
            if (entry + 12 > t.limit()) {
                return 1;
            }
            if ((t.getShort(entry) & 0xFFFF) == 0x0112) {
                int value = t.getShort(entry + 8) & 0xFFFF;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
}
