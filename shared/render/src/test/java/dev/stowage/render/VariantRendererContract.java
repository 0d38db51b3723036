package dev.stowage.render;

import static dev.stowage.render.Samples.contains;
import static dev.stowage.render.Samples.decode;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.port.VariantRenderer.Refused;
import dev.stowage.domain.port.VariantRenderer.Rendering;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.profile.VariantSpec.Fit;
import dev.stowage.domain.profile.VariantSpec.Size;
import dev.stowage.testkit.TestMedia;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every {@link VariantRenderer} must do, run against each implementation: the same inputs give the same
 * sizes, the same refusals and (within encoder differences) the same pixels.
 */
abstract class VariantRendererContract {
    static final long BUDGET = 100_000_000L;

    /** The renderer under test, refusing sources of more than {@code maxPixels}. */
    abstract VariantRenderer renderer(long maxPixels);

    private final VariantRenderer renderer = renderer(BUDGET);

    /** The test media and their displayed sizes (after EXIF orientation), from the test kit's README. */
    private static final List<Object[]> MEDIA = List.of(
            new Object[] {"landscape.jpg", 1200, 800},
            new Object[] {"progressive.jpg", 1000, 700},
            new Object[] {"cmyk.jpg", 640, 480},
            new Object[] {"exif-rotated.jpg", 600, 800},
            new Object[] {"alpha.png", 400, 300},
            new Object[] {"animated.gif", 120, 90},
            new Object[] {"photo.webp", 900, 600});

    static VariantSpec spec(int w, int h, Fit fit, String format) {
        return new VariantSpec("t", w, h, fit, format, 85);
    }

    private Rendering renderExactly(byte[] source, VariantSpec spec, int shownWidth, int shownHeight) {
        Rendering r = renderer.render(source, spec);
        Size expected = spec.outputSize(shownWidth, shownHeight);
        BufferedImage decoded = decode(r.bytes());
        String what = spec.fit() + " " + spec.width() + "x" + spec.height() + " of " + shownWidth + "x" + shownHeight;
        assertEquals(expected, new Size(r.width(), r.height()), "reported size, " + what);
        assertEquals(expected, new Size(decoded.getWidth(), decoded.getHeight()), "decoded size, " + what);
        assertEquals(spec.contentType(), r.contentType());
        return r;
    }

    @Test
    void everyFitOfEveryTestImageIsExactlyTheSpecSize() {
        List<Executable> checks = new ArrayList<>();
        for (Object[] media : MEDIA) {
            byte[] source = TestMedia.bytes((String) media[0]);
            for (Fit fit : Fit.values()) {
                for (int[] box : new int[][] {{300, 300}, {200, 90}, {700, 700}}) {
                    checks.add(() -> renderExactly(source, spec(box[0], box[1], fit, "jpeg"),
                            (int) media[1], (int) media[2]));
                }
            }
        }
        assertAll(checks);
    }

    @Test
    void oddSourceSizesFitToThePixel() {
        List<Executable> checks = new ArrayList<>();
        for (int[] size : new int[][] {{1001, 333}, {333, 1001}, {1, 5000}, {5000, 1}, {7, 7}, {201, 199}}) {
            byte[] png = Samples.gradient(size[0], size[1], "png");
            byte[] jpeg = Samples.gradient(size[0], size[1], "jpeg");
            for (Fit fit : Fit.values()) {
                for (int[] box : new int[][] {{200, 200}, {64, 48}, {3, 500}}) {
                    checks.add(() -> renderExactly(png, spec(box[0], box[1], fit, "png"), size[0], size[1]));
                    checks.add(() -> renderExactly(jpeg, spec(box[0], box[1], fit, "jpeg"), size[0], size[1]));
                }
            }
        }
        assertAll(checks);
    }

    @Test
    void exifRotatedPhotoBecomesAPortraitVariant() {
        renderExactly(TestMedia.bytes("exif-rotated.jpg"), spec(300, 300, Fit.CONTAIN, "jpeg"), 600, 800);
        Rendering r = renderer.render(TestMedia.bytes("exif-rotated.jpg"), spec(300, 300, Fit.CONTAIN, "jpeg"));
        assertEquals(new Size(225, 300), new Size(r.width(), r.height()));
    }

    @Test
    void orientationSixTurnsTheStoredTopLeftCornerToTheTopRight() {
        // Stored 80x60, red top-left 20x15; Orientation 6 (rotate 90° clockwise to display) shows it 60x80
        // with the red corner at the top right.
        byte[] source = Samples.withExif(Samples.blueWithRedTopLeft(80, 60), 6, "Cam", "One");
        for (Fit fit : Fit.values()) {
            BufferedImage shown = decode(renderExactly(source, spec(30, 40, fit, "png"), 60, 80).bytes());
            assertAll(fit.name(),
                    () -> assertTrue(isRed(shown.getRGB(27, 2)), "top right is red"),
                    () -> assertTrue(isBlue(shown.getRGB(2, 2)), "top left is blue"),
                    () -> assertTrue(isBlue(shown.getRGB(27, 37)), "bottom right is blue"),
                    () -> assertTrue(isBlue(shown.getRGB(2, 37)), "bottom left is blue"));
        }
    }

    @Test
    void noMetadataSurvivesInAnyOutputFormat() {
        byte[] source = Samples.withExif(Samples.gradient(320, 240, "jpeg"), 1, "StowageCamMaker", "ModelX9000");
        assertTrue(contains(source, "StowageCamMaker") && contains(source, "Exif\0\0"), "the source carries EXIF");
        List<Executable> checks = new ArrayList<>();
        for (String format : List.of("jpeg", "png", "gif", "webp")) {
            if (!renderer.writes(format)) {
                continue;
            }
            for (byte[] input : List.of(source, TestMedia.bytes("exif-rotated.jpg"), TestMedia.bytes("cmyk.jpg"))) {
                checks.add(() -> {
                    byte[] out = renderer.render(input, spec(100, 100, Fit.COVER, format)).bytes();
                    assertAll(format,
                            () -> assertFalse(contains(out, "Exif\0\0"), "no EXIF APP1"),
                            () -> assertFalse(contains(out, "eXIf") || contains(out, "EXIF"), "no EXIF chunk"),
                            () -> assertFalse(contains(out, "GPS"), "no GPS"),
                            () -> assertFalse(contains(out, "StowageCamMaker"), "no Make"),
                            () -> assertFalse(contains(out, "ModelX9000"), "no Model"),
                            () -> assertFalse(contains(out, "http://ns.adobe.com/xap"), "no XMP"),
                            () -> assertFalse(contains(out, "ICC_PROFILE") || contains(out, "iCCP"), "no ICC"));
                });
            }
        }
        assertAll(checks);
    }

    /**
     * A CMYK JPEG decoded as if it were RGB, or with Adobe's inverted CMYK taken literally, comes out in
     * inverted or wildly shifted colours. The reference is cmyk.jpg converted to sRGB through an ICC CMYK
     * profile ({@code vips colourspace cmyk.jpg out.v srgb}, libvips 8.14, which uses its bundled CMYK profile as
     * the file embeds none): mean R 141.5, G 159.1, B 33.4. Its inversion is about 200 away; TwelveMonkeys'
     * profile-less conversion (the Java renderer: R 128, G 192, B 0, more saturated) lands about 48 away,
     * libvips on it. So: within 60 of the reference, and more than 150 from its inversion.
     */
    @Test
    void cmykPhotoKeepsItsColours() {
        double[] reference = {141.5, 159.1, 33.4};
        double[] inverted = {255 - reference[0], 255 - reference[1], 255 - reference[2]};
        double[] variant = Samples.mean(decode(renderer.render(TestMedia.bytes("cmyk.jpg"),
                spec(320, 320, Fit.CONTAIN, "png")).bytes()));
        String means = "variant mean " + Arrays.toString(variant) + " vs reference " + Arrays.toString(reference);
        assertTrue(Samples.distance(variant, reference) < 60, means);
        assertTrue(Samples.distance(variant, inverted) > 150, means);
    }

    @Test
    void pngAndWebpKeepTransparency() {
        for (String format : List.of("png", "webp")) {
            if (!renderer.writes(format)) {
                continue;
            }
            BufferedImage out = decode(renderer.render(TestMedia.bytes("alpha.png"),
                    spec(200, 200, Fit.CONTAIN, format)).bytes());
            assertTrue(out.getColorModel().hasAlpha(), format + " has an alpha channel");
            assertEquals(0, out.getRGB(1, 1) >>> 24, format + ": the transparent corner stays transparent");
            int centre = out.getRGB(out.getWidth() / 2, out.getHeight() / 2);
            assertTrue((centre >>> 24) > 100 && (centre >>> 24) < 160, format + ": the half-transparent centre");
        }
    }

    @Test
    void jpegFlattensTransparencyOnWhite() {
        BufferedImage out = decode(renderer.render(TestMedia.bytes("alpha.png"),
                spec(200, 200, Fit.CONTAIN, "jpeg")).bytes());
        int corner = out.getRGB(1, 1);
        assertTrue(((corner >> 16) & 0xFF) > 245 && ((corner >> 8) & 0xFF) > 245 && (corner & 0xFF) > 245,
                "transparent corner comes out white, was " + Integer.toHexString(corner));
        int centre = out.getRGB(out.getWidth() / 2, out.getHeight() / 2);
        assertTrue(((centre >> 16) & 0xFF) > 240 && ((centre >> 8) & 0xFF) > 100 && ((centre >> 8) & 0xFF) < 160,
                "half-transparent red over white is pink, was " + Integer.toHexString(centre));
    }

    @Test
    void animatedGifRendersItsFirstFrame() {
        // Frames are red, green, blue.
        for (String format : List.of("png", "gif", "jpeg")) {
            double[] mean = Samples.mean(decode(renderExactly(TestMedia.bytes("animated.gif"),
                    spec(60, 60, Fit.COVER, format), 120, 90).bytes()));
            assertTrue(mean[0] > 200 && mean[1] < 60 && mean[2] < 60, format + " shows red: " + Arrays.toString(mean));
        }
    }

    /** As libnsgif draws it: the whole logical screen, black around the frame when the GIF has no transparent colour. */
    @Test
    void gifFrameSmallerThanItsScreenIsShownOnTheWholeScreen() {
        byte[] gif = Samples.gifWithSmallFrame(100, 80, new java.awt.Rectangle(60, 50, 40, 30));
        BufferedImage out = decode(renderExactly(gif, spec(100, 100, Fit.CONTAIN, "png"), 100, 80).bytes());
        assertTrue(isRed(out.getRGB(80, 65)), "the frame, bottom right");
        assertEquals(0xFF000000, out.getRGB(10, 10), "opaque black around it");
    }

    @Test
    void rendersConcurrentlyWithTheSameResults() throws Exception {
        byte[] source = TestMedia.bytes("exif-rotated.jpg");
        VariantSpec spec = spec(120, 90, Fit.COVER, "png");
        double[] alone = Samples.mean(decode(renderer.render(source, spec).bytes()));
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<double[]>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                results.add(pool.submit(() -> Samples.mean(decode(renderer.render(source, spec).bytes()))));
            }
            for (var result : results) {
                assertTrue(Samples.distance(alone, result.get()) < 0.01, "same pixels from every thread");
            }
        }
    }

    @Test
    void webpSourceDecodes() {
        renderExactly(TestMedia.bytes("photo.webp"), spec(300, 300, Fit.CONTAIN, "jpeg"), 900, 600);
    }

    @Test
    void writesWhatItSaysAndRefusesTheRest() {
        for (String format : List.of("jpeg", "png", "gif", "webp", "tiff")) {
            VariantSpec spec = spec(50, 50, Fit.COVER, format);
            if (renderer.writes(format)) {
                Rendering r = renderer.render(TestMedia.bytes("landscape.jpg"), spec);
                assertEquals("image/" + format, r.contentType());
                assertTrue(r.bytes().length > 0);
            } else {
                Refused refused = assertThrows(Refused.class,
                        () -> renderer.render(TestMedia.bytes("landscape.jpg"), spec));
                assertEquals("unsupported_format", refused.reason(), format);
            }
        }
        assertTrue(renderer.writes("jpeg") && renderer.writes("png") && renderer.writes("gif"));
        assertFalse(renderer.writes("tiff"));
    }

    @Test
    void headerDeclaringMorePixelsThanTheBudgetIsRefusedBeforeDecoding() {
        // 40000x40000 RGB would be 4.8 GB of raster: refusing it quickly, with the right reason, shows only the
        // header was read (a decode would take seconds and, for the PNG, gigabytes).
        for (byte[] source : List.of(Samples.pngDeclaring(40_000, 40_000), Samples.jpegDeclaring(30_000, 30_000))) {
            Runtime runtime = Runtime.getRuntime();
            long before = runtime.totalMemory() - runtime.freeMemory();
            Refused refused = assertTimeout(Duration.ofSeconds(2), () -> assertThrows(Refused.class,
                    () -> renderer.render(source, spec(200, 200, Fit.COVER, "jpeg"))));
            long grown = runtime.totalMemory() - runtime.freeMemory() - before;
            assertEquals("too_many_pixels", refused.reason(), refused.getMessage());
            assertTrue(grown < 64L << 20, "heap grew by " + (grown >> 20) + " MiB");
        }
    }

    @Test
    void budgetCountsThePixelsOfRealImages() {
        VariantRenderer small = renderer(1200L * 800 - 1);
        Refused refused = assertThrows(Refused.class,
                () -> small.render(TestMedia.bytes("landscape.jpg"), spec(100, 100, Fit.COVER, "jpeg")));
        assertEquals("too_many_pixels", refused.reason());
        assertEquals(100, renderer(1200L * 800).render(TestMedia.bytes("landscape.jpg"),
                spec(100, 100, Fit.COVER, "jpeg")).width());
    }

    @Test
    void nonImagesAreUnsupported() {
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        List<byte[]> inputs = List.of(TestMedia.bytes("doc.pdf"), TestMedia.bytes("scripted.svg"),
                TestMedia.bytes("html-named.jpg"), TestMedia.bytes("clip.mp4"), random, new byte[0],
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>".getBytes(StandardCharsets.UTF_8),
                "BM".getBytes(StandardCharsets.US_ASCII));
        for (byte[] input : inputs) {
            Refused refused = assertThrows(Refused.class, () -> renderer.render(input, spec(50, 50, Fit.COVER, "png")));
            assertEquals("unsupported_format", refused.reason(), refused.getMessage());
        }
    }

    /**
     * Truncated or corrupt data behind a valid signature is {@code undecodable_image} for both renderers, never
     * another exception, never a grey-filled variant: libvips loads with {@code fail_on=truncated}, and the Java
     * renderer treats any decoder warning (libjpeg's "premature end") as a refusal.
     */
    @Test
    void truncatedAndCorruptImagesAreUndecodable() {
        byte[] landscape = TestMedia.bytes("landscape.jpg");
        byte[] png = Samples.gradient(300, 200, "png");
        byte[] gif = TestMedia.bytes("animated.gif");
        byte[] webp = TestMedia.bytes("photo.webp");
        Random random = new Random(11);
        List<byte[]> inputs = new ArrayList<>();
        inputs.add(TestMedia.bytes("truncated.jpg"));
        inputs.add(Arrays.copyOf(landscape, Samples.scanDataOffset(landscape) + 10)); // scan cut short
        inputs.add(Arrays.copyOf(landscape, Samples.scanDataOffset(landscape))); // header, no data at all
        inputs.add(Arrays.copyOf(landscape, Samples.sofOffset(landscape))); // no frame header
        inputs.add(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
        inputs.add(Arrays.copyOf(png, 8));
        inputs.add(Arrays.copyOf(png, png.length / 2));
        inputs.add(Arrays.copyOf(gif, 13));
        inputs.add(Arrays.copyOf(webp, 30));
        inputs.add(Arrays.copyOf(webp, webp.length / 2));
        for (byte[] base : List.of(png, gif)) {
            byte[] garbage = base.clone();
            for (int i = 64; i < garbage.length; i++) {
                garbage[i] = (byte) random.nextInt();
            }
            inputs.add(garbage);
        }
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            byte[] input = inputs.get(i);
            int n = i;
            checks.add(() -> {
                Refused refused = assertThrows(Refused.class,
                        () -> renderer.render(input, spec(100, 100, Fit.COVER, "jpeg")), "input " + n);
                assertEquals("undecodable_image", refused.reason(), "input " + n + ": " + refused.getMessage());
            });
        }
        assertAll(checks);
    }

    /**
     * Garbage where the compressed data of a JPEG or a lossy WebP should be decodes to noise of the right size
     * (neither libjpeg nor libwebp can tell it from data): rendered, or refused as undecodable, nothing else.
     */
    @Test
    void garbageCompressedDataRendersNoiseOrIsUndecodable() {
        byte[] landscape = TestMedia.bytes("landscape.jpg");
        byte[] webp = TestMedia.bytes("photo.webp");
        Random random = new Random(13);
        for (int round = 0; round < 3; round++) {
            byte[] jpeg = landscape.clone();
            for (int i = Samples.scanDataOffset(landscape); i < jpeg.length - 2; i++) {
                jpeg[i] = (byte) random.nextInt(0xFF); // never 0xFF: no accidental markers
            }
            byte[] vp8 = webp.clone();
            for (int i = 64; i < vp8.length; i++) {
                vp8[i] = (byte) random.nextInt();
            }
            for (Object[] input : new Object[][] {{jpeg, 1200, 800}, {vp8, 900, 600}}) {
                try {
                    renderExactly((byte[]) input[0], spec(100, 100, Fit.COVER, "jpeg"), (int) input[1], (int) input[2]);
                } catch (Refused refused) {
                    assertEquals("undecodable_image", refused.reason(), refused.getMessage());
                }
            }
        }
    }

    private static boolean isRed(int rgb) {
        return ((rgb >> 16) & 0xFF) > 180 && ((rgb >> 8) & 0xFF) < 80 && (rgb & 0xFF) < 80;
    }

    private static boolean isBlue(int rgb) {
        return ((rgb >> 16) & 0xFF) < 80 && ((rgb >> 8) & 0xFF) < 80 && (rgb & 0xFF) > 180;
    }
}
