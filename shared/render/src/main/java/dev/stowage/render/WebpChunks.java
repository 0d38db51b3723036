package dev.stowage.render;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Drops the metadata chunks of a WebP file. libvips 8.14's {@code webpsave} writes an {@code EXIF} chunk even
 * with {@code strip} (it rebuilds a small one from the image's resolution and orientation).
 */
final class WebpChunks {
    private static final Set<String> METADATA = Set.of("EXIF", "XMP ", "ICCP");
    private static final int VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04; // ICC, EXIF, XMP

    private WebpChunks() {}

    static byte[] withoutMetadata(byte[] webp) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream(webp.length);
        int i = 12;
        while (i + 8 <= webp.length) {
            String type = new String(webp, i, 4, StandardCharsets.US_ASCII);
            int length = ByteBuffer.wrap(webp, i + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int total = 8 + length + (length & 1);
            if (length < 0 || i + total > webp.length) {
                throw new IllegalStateException("libvips wrote a malformed WebP chunk " + type);
            }
            if (!METADATA.contains(type)) {
                int start = chunks.size();
                chunks.write(webp, i, total);
                if (type.equals("VP8X")) {
                    byte[] written = chunks.toByteArray();
                    written[start + 8] &= (byte) ~VP8X_METADATA_FLAGS;
                    chunks.reset();
                    chunks.writeBytes(written);
                }
            }
            i += total;
        }
        byte[] body = chunks.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(webp, 0, 4).putInt(4 + body.length).put(webp, 8, 4).put(body);
        return out.array();
    }
}
