package dev.stowage.media;

import static dev.stowage.media.Bytes.ascii;
import static dev.stowage.media.Bytes.has;

/** Reads the pixel size of icons and Photoshop documents from their fixed headers, whatever a detector calls them. */
// metadata-extractor's readers for these two allocate what the file declares, however few bytes follow: the icon
// reader a directory and an exception for each of up to 65,535 declared entries (about 90 MB for 22 bytes), the
// Photoshop reader a buffer the size of a section length (hundreds of megabytes for 76 bytes). The size is all a
// probe reports, and it lies at a fixed place.
final class IconAndPsdHeaders {
    private IconAndPsdHeaders() {}

    /** Whether the bytes start as metadata-extractor would recognise an icon or a Photoshop document. */
    static boolean recognises(byte[] b) {
        return isIcon(b) || ascii(b, 0, "8BPS");
    }

    /** The stored size, or null when the header is cut short or nonsensical. */
    static Size size(byte[] b) {
        return isIcon(b) ? icon(b) : psd(b);
    }

    // Reserved 0, type 1 (icon), as metadata-extractor's file type detector has it.
    private static boolean isIcon(byte[] b) {
        return has(b, 0, 4) && Bytes.u16le(b, 0) == 0 && Bytes.u16le(b, 2) == 1;
    }

    // A count of images, then 16-byte entries; the first entry's width and height bytes, where 0 means 256.
    private static Size icon(byte[] b) {
        if (!has(b, 4, 4) || Bytes.u16le(b, 4) == 0) {
            return null;
        }
        int width = Bytes.u8(b, 6);
        int height = Bytes.u8(b, 7);
        return new Size(width == 0 ? 256 : width, height == 0 ? 256 : height);
    }

    // "8BPS", version, 6 reserved bytes, channels, then height and width (big-endian, 32 bits each).
    private static Size psd(byte[] b) {
        return has(b, 14, 8) ? Size.ofPositive(Bytes.u32be(b, 18), Bytes.u32be(b, 14)) : null;
    }
}
