package dev.stowage.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

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

    /**
     * The JPEG with an EXIF APP1 segment inserted after SOI: IFD0 with Orientation, Make and Model, and a
     * GPS IFD holding a latitude reference and a latitude — what a phone writes.
     */
    public static byte[] jpegWithExif(byte[] jpeg, int orientation, String make, String model) {
        byte[] makeBytes = (make + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] modelBytes = (model + "\0").getBytes(StandardCharsets.US_ASCII);
        int ifd0Entries = 4;
        int ifd0 = 8;
        int ifd0Size = 2 + ifd0Entries * 12 + 4;
        int makeAt = ifd0 + ifd0Size;
        int modelAt = makeAt + makeBytes.length;
        int gpsAt = modelAt + modelBytes.length;
        int gpsEntries = 2;
        int gpsSize = 2 + gpsEntries * 12 + 4;
        int latitudeAt = gpsAt + gpsSize;
        ByteBuffer t = ByteBuffer.allocate(latitudeAt + 24).order(ByteOrder.BIG_ENDIAN);
        t.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0);
        t.putShort((short) ifd0Entries);
        entry(t, 0x010F, 2, makeBytes.length, makeAt); // Make
        entry(t, 0x0110, 2, modelBytes.length, modelAt); // Model
        t.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        entry(t, 0x8825, 4, 1, gpsAt); // GPS IFD pointer
        t.putInt(0);
        t.put(makeBytes).put(modelBytes);
        t.putShort((short) gpsEntries);
        t.putShort((short) 0x0001).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
        entry(t, 0x0002, 5, 3, latitudeAt); // GPSLatitude: three rationals
        t.putInt(0);
        t.putInt(48).putInt(1).putInt(51).putInt(1).putInt(2412).putInt(100);
        byte[] tiff = t.array();
        byte[] header = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + header.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(header);
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static void entry(ByteBuffer t, int tag, int type, int count, int offset) {
        t.putShort((short) tag).putShort((short) type).putInt(count).putInt(offset);
    }

    /** A PNG whose IHDR declares {@code w}×{@code h} RGB and whose only IDAT holds one deflated row of it. */
    public static byte[] pngDeclaring(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1 + 3 * Math.min(w, 64)]);
        deflater.finish();
        byte[] compressed = new byte[1024];
        int n = deflater.deflate(compressed);
        deflater.end();
        chunk(out, "IDAT", java.util.Arrays.copyOf(compressed, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
