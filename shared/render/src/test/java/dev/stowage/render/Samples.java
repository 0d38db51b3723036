package dev.stowage.render;

import dev.stowage.testkit.TestMedia;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Images made for the renderer tests: odd sizes, hand-built EXIF, headers that declare more than they hold. */
final class Samples {
    private Samples() {}

    /** A {@code w}×{@code h} image in {@code format} ("png", "jpeg"), a diagonal gradient. */
    static byte[] gradient(int w, int h, String format) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, new Color(x * 255 / w, y * 255 / h, 128).getRGB());
            }
        }
        return write(image, format);
    }

    /** A JPEG stored {@code w}×{@code h}, blue with a red top-left quarter-size corner. */
    static byte[] blueWithRedTopLeft(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 4, h / 4);
        g.dispose();
        return write(image, "jpeg");
    }

    /**
     * A GIF whose logical screen is {@code screenWidth}×{@code screenHeight} and whose only frame, a red
     * {@code frame} rectangle, sits inside it: the rest of the screen is transparent.
     */
    static byte[] gifWithSmallFrame(int screenWidth, int screenHeight, java.awt.Rectangle frame) {
        try {
            BufferedImage image = new BufferedImage(frame.width, frame.height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.RED);
            g.fillRect(0, 0, frame.width, frame.height);
            g.dispose();
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            var type = javax.imageio.ImageTypeSpecifier.createFromRenderedImage(image);
            javax.imageio.metadata.IIOMetadata stream = writer.getDefaultStreamMetadata(param);
            var screen = new javax.imageio.metadata.IIOMetadataNode("LogicalScreenDescriptor");
            screen.setAttribute("logicalScreenWidth", Integer.toString(screenWidth));
            screen.setAttribute("logicalScreenHeight", Integer.toString(screenHeight));
            screen.setAttribute("colorResolution", "8");
            screen.setAttribute("pixelAspectRatio", "0");
            var streamRoot = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_gif_stream_1.0");
            streamRoot.appendChild(screen);
            stream.mergeTree("javax_imageio_gif_stream_1.0", streamRoot);
            javax.imageio.metadata.IIOMetadata meta = writer.getDefaultImageMetadata(type, param);
            var descriptor = new javax.imageio.metadata.IIOMetadataNode("ImageDescriptor");
            descriptor.setAttribute("imageLeftPosition", Integer.toString(frame.x));
            descriptor.setAttribute("imageTopPosition", Integer.toString(frame.y));
            descriptor.setAttribute("imageWidth", Integer.toString(frame.width));
            descriptor.setAttribute("imageHeight", Integer.toString(frame.height));
            descriptor.setAttribute("interlaceFlag", "FALSE");
            var imageRoot = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_gif_image_1.0");
            imageRoot.appendChild(descriptor);
            meta.mergeTree("javax_imageio_gif_image_1.0", imageRoot);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (var stream2 = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(stream2);
                writer.write(stream, new javax.imageio.IIOImage(image, null, meta), param);
            }
            writer.dispose();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new AssertionError("ImageIO cannot read the rendered bytes");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] withExif(byte[] jpeg, int orientation, String make, String model) {
        return TestMedia.jpegWithExif(jpeg, orientation, make, model);
    }

    static byte[] pngDeclaring(int w, int h) {
        return TestMedia.pngDeclaring(w, h);
    }

    /** A real small JPEG whose SOF is patched to declare {@code w}×{@code h}: the header lies, the data is tiny. */
    static byte[] jpegDeclaring(int w, int h) {
        byte[] jpeg = gradient(16, 16, "jpeg");
        int sof = sofOffset(jpeg);
        jpeg[sof + 5] = (byte) (h >> 8);
        jpeg[sof + 6] = (byte) h;
        jpeg[sof + 7] = (byte) (w >> 8);
        jpeg[sof + 8] = (byte) w;
        return jpeg;
    }

    /** The offset of the SOF0/SOF2 marker. */
    static int sofOffset(byte[] jpeg) {
        int i = 2;
        while (i + 4 < jpeg.length) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xC0 || marker == 0xC2) {
                return i;
            }
            i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
        }
        throw new IllegalArgumentException("no SOF");
    }

    /** The offset just past the SOS segment header, where the entropy-coded data begins. */
    static int scanDataOffset(byte[] jpeg) {
        int i = 2;
        while (i + 4 < jpeg.length) {
            int marker = jpeg[i + 1] & 0xFF;
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (marker == 0xDA) {
                return i + 2 + length;
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("no SOS");
    }

    static boolean contains(byte[] haystack, String needle) {
        return indexOf(haystack, needle.getBytes(StandardCharsets.ISO_8859_1)) >= 0;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The mean red, green and blue of an image. */
    static double[] mean(BufferedImage image) {
        double[] sum = new double[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sum[0] += (rgb >> 16) & 0xFF;
                sum[1] += (rgb >> 8) & 0xFF;
                sum[2] += rgb & 0xFF;
            }
        }
        double n = (double) image.getWidth() * image.getHeight();
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }

    static double distance(double[] a, double[] b) {
        return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
    }
}
