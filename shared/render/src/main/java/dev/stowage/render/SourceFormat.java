package dev.stowage.render;

import dev.stowage.domain.port.VariantRenderer.Refused;

/**
 * The raster formats both renderers decode, recognised by their magic bytes. Everything else (PDF, SVG, HEIF,
 * TIFF, HTML…) is refused here, before any decoder sees it, so the two renderers accept exactly the same inputs
 * even though libvips alone could load several more.
 */
enum SourceFormat {
    JPEG, PNG, GIF, WEBP;

    static SourceFormat sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return PNG;
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
                && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return GIF;
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return WEBP;
        }
        throw new Refused("unsupported_format", "not a JPEG, PNG, GIF or WebP image");
    }
}
