package dev.stowage.media;

import static dev.stowage.media.Bytes.ascii;
import static dev.stowage.media.Bytes.has;

/** Reads the pixel size of PNG, GIF and WebP from their fixed headers. */
// metadata-extractor's readers for these formats give up with nothing when the bytes end mid-file (a PNG's first
// 64 bytes, a WebP larger than the head), which is exactly what a probe of an object's head sees.
final class WebImageHeaders {
    private WebImageHeaders() {}

    /** The stored size, or null when the header is absent, cut short or nonsensical. */
    static Size size(String contentType, byte[] b) {
        return switch (contentType) {
            case "image/png" -> png(b);
            case "image/gif" -> gif(b);
            case "image/webp" -> webp(b);
            default -> null;
        };
    }

    // IHDR must be the first chunk: 8-byte signature, 4-byte length, "IHDR", then width and height.
    private static Size png(byte[] b) {
        return ascii(b, 12, "IHDR") && has(b, 16, 8) ? Size.ofPositive(Bytes.u32be(b, 16), Bytes.u32be(b, 20)) : null;
    }

    // The logical screen descriptor follows the 6-byte signature.
    private static Size gif(byte[] b) {
        return ascii(b, 0, "GIF8") && has(b, 6, 4) ? Size.ofPositive(Bytes.u16le(b, 6), Bytes.u16le(b, 8)) : null;
    }

    // RIFF container; the first chunk (at 12) is VP8 (lossy), VP8L (lossless) or VP8X (extended, canvas size).
    private static Size webp(byte[] b) {
        if (!ascii(b, 0, "RIFF") || !ascii(b, 8, "WEBP")) {
            return null;
        }
        if (ascii(b, 12, "VP8 ") && has(b, 20, 10) && ascii(b, 23, "\u009d\u0001\u002a")) {
            return Size.ofPositive(Bytes.u16le(b, 26) & 0x3FFF, Bytes.u16le(b, 28) & 0x3FFF);
        }
        if (ascii(b, 12, "VP8L") && has(b, 20, 5) && Bytes.u8(b, 20) == 0x2F) {
            long bits = Bytes.u32le(b, 21);
            return Size.ofPositive((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1);
        }
        if (ascii(b, 12, "VP8X") && has(b, 24, 6)) {
            return Size.ofPositive(Bytes.u24le(b, 24) + 1L, Bytes.u24le(b, 27) + 1L);
        }
        return null;
    }
}
