package dev.stowage.render;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.profile.VariantSpec.Size;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;

/**
 * The pure-Java renderer (ImageIO with TwelveMonkeys' JPEG and WebP readers, Thumbnailator for scaling), the
 * fallback where libvips is not installed, e.g. on the Lambda Java runtime without a layer. Writes JPEG, PNG
 * and GIF, not WebP.
 *
 * <p>It decodes only the part of the source the variant shows, subsampled to about twice the output size while
 * reading, so the heap it needs follows the output, not the source: a 50 MP photo costs a few MiB of raster.
 * A truncated JPEG (whose missing rows libjpeg fills with grey, with a warning) or a GIF with garbled LZW codes
 * is {@code undecodable_image}, as libvips ({@code fail_on=truncated}) makes them; other decoder warnings (a CMYK
 * JPEG without a profile, extraneous bytes) are not.
 */
public final class JavaRenderer implements VariantRenderer {
    private static final Set<String> WRITES = Set.of("jpeg", "png", "gif");
    /** Warnings of the JDK's JPEG and GIF readers that mean the pixel data is cut short or garbled. */
    private static final List<String> BROKEN_DATA_WARNINGS = List.of("Truncated File", "Premature end of JPEG file",
            "Out-of-sequence code");

    private final long maxPixels;

    public JavaRenderer(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, was " + maxPixels);
        }
        this.maxPixels = maxPixels;
        readerFor(SourceFormat.JPEG).dispose(); // fail at start-up, not on the first upload, without TwelveMonkeys
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public boolean writes(String format) {
        return WRITES.contains(format);
    }

    @Override
    public Rendering render(byte[] source, VariantSpec spec) {
        if (!writes(spec.format())) {
            throw new Refused("unsupported_format", "the java renderer cannot write " + spec.format());
        }
        SourceFormat format = SourceFormat.sniff(source);
        ImageReader reader = readerFor(format);
        // Reads the array in place: a cached stream would hold a second copy of the source (60 MB for a 48 MP PNG).
        try (ImageInputStream in = new ByteArrayImageInputStream(source)) {
            reader.setInput(in, true, format != SourceFormat.GIF); // a GIF's canvas is in its metadata
            int width;
            int height;
            GifCanvas canvas = null;
            try {
                if (format == SourceFormat.GIF) {
                    canvas = GifCanvas.of(reader);
                    width = canvas.width();
                    height = canvas.height();
                } else {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                }
            } catch (IOException | RuntimeException e) {
                throw new Refused("undecodable_image", "unreadable " + format + " header: " + e.getMessage());
            }
            if (width <= 0 || height <= 0) {
                throw new Refused("undecodable_image", format + " header declares " + width + "x" + height);
            }
            if ((long) width * height > maxPixels) {
                throw new Refused("too_many_pixels", width + "x" + height + " is more than " + maxPixels + " pixels");
            }
            int orientation = Orientation.of(source, format);
            boolean swap = Orientation.swapsAxes(orientation);
            int shownWidth = swap ? height : width;
            int shownHeight = swap ? width : height;
            Size out = spec.outputSize(shownWidth, shownHeight);
            Rectangle region = Geometry.storedRegion(orientation, width, height,
                    Geometry.shownRegion(spec.fit(), shownWidth, shownHeight, out));
            int storedOutWidth = swap ? out.height() : out.width();
            int storedOutHeight = swap ? out.width() : out.height();

            BufferedImage decoded = canvas == null || canvas.frameFillsIt()
                    ? decode(reader, format, region, storedOutWidth, storedOutHeight)
                    : canvas.firstFrame(reader, region, storedOutWidth, storedOutHeight);
            boolean alpha = decoded.getColorModel().hasAlpha();
            int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
            BufferedImage scaled = Thumbnails.of(toInt(decoded, type))
                    .forceSize(storedOutWidth, storedOutHeight)
                    .imageType(type)
                    .asBufferedImage();
            BufferedImage oriented = orient(toInt(scaled, type), orientation);
            if (oriented.getWidth() != out.width() || oriented.getHeight() != out.height()) {
                throw new IllegalStateException("scaled to " + oriented.getWidth() + "x" + oriented.getHeight()
                        + " instead of " + out.width() + "x" + out.height());
            }
            byte[] bytes = encode(oriented, spec);
            return new Rendering(bytes, spec.contentType(), out.width(), out.height());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reader.dispose();
        }
    }

    private static BufferedImage decode(ImageReader reader, SourceFormat format, Rectangle region, int outWidth,
            int outHeight) {
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceRegion(region);
        param.setSourceSubsampling(subsampling(region.width, outWidth), subsampling(region.height, outHeight), 0, 0);
        return read(reader, format, param);
    }

    /** Reading every n-th pixel keeps the raster near twice the output; Thumbnailator smooths the rest. */
    static int subsampling(int regionSize, int outSize) {
        return Math.max(1, regionSize / (outSize * 2));
    }

    static BufferedImage read(ImageReader reader, SourceFormat format, ImageReadParam param) {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image;
        try {
            image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            throw new Refused("undecodable_image", format + " could not be decoded: " + e.getMessage());
        }
        for (String warning : warnings) {
            // The decoders fill what they never got (grey rows, garbled codes) and only warn; libvips refuses.
            if (BROKEN_DATA_WARNINGS.stream().anyMatch(warning::contains)) {
                throw new Refused("undecodable_image", format + " data is truncated or corrupt: " + warning);
            }
        }
        return image;
    }

    /** An INT_RGB or INT_ARGB copy, keeping grey levels as they are (Java2D would treat them as linear light). */
    private static BufferedImage toInt(BufferedImage image, int type) {
        if (image.getType() == type) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage copy = new BufferedImage(w, h, type);
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        if (image.getColorModel() instanceof ComponentColorModel cm
                && cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY && bands <= 2) {
            int[] target = ((DataBufferInt) copy.getRaster().getDataBuffer()).getData();
            int shift = raster.getSampleModel().getSampleSize(0) - 8;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int g = row[x * bands] >>> Math.max(0, shift);
                    int a = bands == 2 ? row[x * bands + 1] >>> Math.max(0, shift) : 0xFF;
                    target[y * w + x] = (a << 24) | (g << 16) | (g << 8) | g;
                }
            }
            return copy;
        }
        Graphics2D g = copy.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return copy;
    }

    /** The image as displayed: EXIF {@code orientation} applied to the stored pixels. */
    private static BufferedImage orient(BufferedImage stored, int orientation) {
        if (orientation == 1) {
            return stored;
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        boolean swap = Orientation.swapsAxes(orientation);
        int dw = swap ? h : w;
        int dh = swap ? w : h;
        BufferedImage shown = new BufferedImage(dw, dh, stored.getType());
        int[] src = ((DataBufferInt) stored.getRaster().getDataBuffer()).getData();
        int[] dst = ((DataBufferInt) shown.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                int[] s = Geometry.storedPixel(orientation, w, h, x, y);
                dst[y * dw + x] = src[s[1] * w + s[0]];
            }
        }
        return shown;
    }

    private static byte[] encode(BufferedImage image, VariantSpec spec) throws IOException {
        BufferedImage toWrite = image;
        if (spec.format().equals("jpeg") && image.getColorModel().hasAlpha()) {
            toWrite = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = toWrite.createGraphics();
            try {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, image.getWidth(), image.getHeight());
                g.drawImage(image, 0, 0, null);
            } finally {
                g.dispose();
            }
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(spec.format());
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO writer for " + spec.format());
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (spec.format().equals("jpeg")) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(Math.clamp(spec.quality(), 1, 100) / 100f);
            }
            // No metadata is passed: the output carries none of the source's EXIF, XMP or ICC profile.
            writer.write(null, new IIOImage(toWrite, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static ImageReader readerFor(SourceFormat format) {
        String name = format.name().toLowerCase(Locale.ROOT);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name);
        ImageReader chosen = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            boolean twelveMonkeys = reader.getClass().getName().startsWith("com.twelvemonkeys.");
            if (chosen == null || (twelveMonkeys && (format == SourceFormat.JPEG || format == SourceFormat.WEBP))) {
                if (chosen != null) {
                    chosen.dispose();
                }
                chosen = reader;
            } else {
                reader.dispose();
            }
        }
        if (chosen == null
                || ((format == SourceFormat.JPEG || format == SourceFormat.WEBP)
                        && !chosen.getClass().getName().startsWith("com.twelvemonkeys."))) {
            throw new IllegalStateException("TwelveMonkeys' ImageIO " + name
                    + " reader is not registered; it reads CMYK JPEGs and WebP, which the JDK's readers cannot");
        }
        return chosen;
    }
}
