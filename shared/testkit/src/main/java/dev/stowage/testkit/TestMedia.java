package dev.stowage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Real media files with known facts (see {@code /media/README.md}) for probing and rendering tests. */
public final class TestMedia {
    private TestMedia() {}

    /** The whole file {@code /media/<name>} from the classpath, e.g. {@code bytes("landscape.jpg")}. */
    public static byte[] bytes(String name) {
        String resource = "/media/" + name;
        try (InputStream in = TestMedia.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No test media " + resource
                        + " on the classpath; the files are listed in stowage-testkit's /media/README.md");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read test media " + resource, e);
        }
    }

    /**
     * A hostile MP4: a valid {@code ftyp} and a version-1 {@code mvhd} whose timescale is 1 and whose
     * duration is {@code seconds}, e.g. 10^16, which overflows a millisecond count.
     */
    public static byte[] mp4StatingDuration(long seconds) {
        ByteBuffer ftyp = ByteBuffer.allocate(24).putInt(24).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200)
                .put(ascii("isom")).put(ascii("mp41"));
        ByteBuffer mvhd = ByteBuffer.allocate(120).putInt(120).put(ascii("mvhd"))
                .putInt(0x01000000) // version 1, no flags
                .putLong(0).putLong(0) // creation and modification times
                .putInt(1) // timescale: one unit a second
                .putLong(seconds)
                .putInt(0x00010000).putShort((short) 0x0100); // rate 1.0, volume 1.0; the rest stays zero
        mvhd.position(120);
        ByteBuffer moov = ByteBuffer.allocate(8).putInt(128).put(ascii("moov"));
        ByteBuffer file = ByteBuffer.allocate(24 + 128);
        file.put(ftyp.array()).put(moov.array()).put(mvhd.array());
        return file.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
