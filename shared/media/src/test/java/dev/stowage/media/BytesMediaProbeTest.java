package dev.stowage.media;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.asset.MediaKind;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.fuzz.Fuzz;
import io.micronaut.context.ApplicationContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class BytesMediaProbeTest {
    private final MediaProbe probe = new BytesMediaProbe();

    private ProbeResult probeWhole(String name) {
        byte[] bytes = TestMedia.bytes(name);
        return probe.probe(bytes, bytes.length);
    }

    private static void assertImage(ProbeResult result, String type, int width, int height) {
        assertAll(
                () -> assertEquals(type, result.contentType()),
                () -> assertEquals(MediaKind.IMAGE, result.kind()),
                () -> assertEquals(width, result.width(), "width"),
                () -> assertEquals(height, result.height(), "height"),
                () -> assertNull(result.durationMs()));
    }

    // --- one test per fact in the test media README ---

    @Test
    void landscapeJpegIsJpegOf1200By800() {
        ProbeResult result = probeWhole("landscape.jpg");
        assertImage(result, "image/jpeg", 1200, 800);
        assertNull(result.orientation(), "no EXIF, so no orientation");
    }

    @Test
    void progressiveJpegIsJpegOf1000By700() {
        assertImage(probeWhole("progressive.jpg"), "image/jpeg", 1000, 700);
    }

    @Test
    void cmykJpegIsJpegOf640By480() {
        assertImage(probeWhole("cmyk.jpg"), "image/jpeg", 640, 480);
    }

    @Test
    void exifRotatedJpegReportsDisplayedDimensions() {
        ProbeResult result = probeWhole("exif-rotated.jpg");
        assertImage(result, "image/jpeg", 600, 800); // stored 800×600, EXIF orientation 6 turns it upright
        assertEquals(6, result.orientation());
    }

    @Test
    void alphaPngIsPngOf400By300() {
        assertImage(probeWhole("alpha.png"), "image/png", 400, 300);
    }

    @Test
    void animatedGifIsGifOf120By90() {
        assertImage(probeWhole("animated.gif"), "image/gif", 120, 90);
    }

    @Test
    void webpIsWebpOf900By600() {
        assertImage(probeWhole("photo.webp"), "image/webp", 900, 600);
    }

    @Test
    void truncatedJpegIsJpegByMagicAndKeepsItsIntactHeaderDimensions() {
        ProbeResult result = probe.probe(TestMedia.bytes("truncated.jpg"), 31_155);
        assertImage(result, "image/jpeg", 1200, 800);
    }

    @Test
    void htmlNamedJpgIsHtmlWhateverItsNameSays() {
        // The probe never sees a file name or a claimed type, so ".jpg" cannot make HTML an image.
        ProbeResult result = probeWhole("html-named.jpg");
        assertEquals("text/html", result.contentType());
        assertEquals(MediaKind.OTHER, result.kind());
        assertNull(result.width());
    }

    @Test
    void scriptedSvgIsSvgImageWithoutPixelSize() {
        ProbeResult result = probeWhole("scripted.svg");
        assertEquals("image/svg+xml", result.contentType());
        assertEquals(MediaKind.IMAGE, result.kind());
        assertNull(result.width());
        assertNull(result.height());
    }

    @Test
    void mp4ClipIsMp4VideoOfThreeSecondsWithVideoAndAudioTracks() {
        ProbeResult result = probeWhole("clip.mp4");
        assertAll(
                () -> assertEquals("video/mp4", result.contentType()),
                () -> assertEquals(MediaKind.VIDEO, result.kind()),
                () -> assertEquals(3000L, result.durationMs()),
                () -> assertEquals(true, result.hasVideoTrack()),
                () -> assertEquals(true, result.hasAudioTrack()),
                () -> assertEquals(320, result.width()),
                () -> assertEquals(240, result.height()));
    }

    @Test
    void mp3ToneIsMpegAudioOfAboutTwoSecondsWithoutVideo() {
        ProbeResult result = probeWhole("tone.mp3");
        assertEquals("audio/mpeg", result.contentType());
        assertEquals(MediaKind.AUDIO, result.kind());
        assertEquals(2000, result.durationMs(), 200, "within 10% of 2 s");
        assertEquals(true, result.hasAudioTrack());
        assertEquals(false, result.hasVideoTrack());
        assertNull(result.width());
    }

    @Test
    void pdfIsPdfDocument() {
        ProbeResult result = probeWhole("doc.pdf");
        assertEquals("application/pdf", result.contentType());
        assertEquals(MediaKind.DOCUMENT, result.kind());
        assertNull(result.width());
        assertNull(result.durationMs());
    }

    // --- inputs that are not whole, well-formed files ---

    @Test
    void emptyInputIsOctetStream() {
        assertEquals(ProbeResult.of("application/octet-stream", MediaKind.OTHER), probe.probe(new byte[0], 0));
        assertEquals(ProbeResult.of("application/octet-stream", MediaKind.OTHER), probe.probe(null, 0));
    }

    @Test
    void randomBytesAreOctetStream() {
        byte[] noise = new byte[4096];
        new Random(20251122).nextBytes(noise);
        assertEquals(ProbeResult.of("application/octet-stream", MediaKind.OTHER), probe.probe(noise, noise.length));
    }

    @Test
    void pngFirst64BytesGiveItsIhdrDimensions() {
        ProbeResult result = probe.probe(Arrays.copyOf(TestMedia.bytes("alpha.png"), 64), 2_809);
        assertImage(result, "image/png", 400, 300);
    }

    @Test
    void webpFirst64BytesGiveItsFrameDimensions() {
        ProbeResult result = probe.probe(Arrays.copyOf(TestMedia.bytes("photo.webp"), 64), 52_878);
        assertImage(result, "image/webp", 900, 600);
    }

    @Test
    void exifRotatedJpegHeadStillGivesDisplayedDimensionsAndOrientation() {
        ProbeResult result = probe.probe(Arrays.copyOf(TestMedia.bytes("exif-rotated.jpg"), 1_000), 8_038);
        assertImage(result, "image/jpeg", 600, 800);
        assertEquals(6, result.orientation());
    }

    @Test
    void mp4HeadWithoutItsMovieBoxReportsTypeButNoGuessedTracksOrDuration() {
        // clip.mp4 keeps its 'moov' box at the end, past the first 4 KB.
        ProbeResult result = probe.probe(Arrays.copyOf(TestMedia.bytes("clip.mp4"), 4_096), 43_147);
        assertEquals(ProbeResult.of("video/mp4", MediaKind.VIDEO), result);
    }

    @Test
    void anMp4StatingAnOverflowingDurationIsMeasuredAsImplausibleNotNegative() {
        byte[] hostile = TestMedia.mp4StatingDuration(10_000_000_000_000_000L);
        ProbeResult result = probe.probe(hostile, hostile.length);
        assertEquals("video/mp4", result.contentType());
        assertTrue(result.durationMs() > 0, "no wrap-around to a negative duration: " + result.durationMs());
        assertTrue(result.implausibility().orElseThrow().contains("duration"));
        assertEquals(ProbeResult.of("video/mp4", MediaKind.VIDEO), result.typeOnly());
    }

    @Test
    void anMp4StatingAYearAndADayIsImplausibleAndAnHourIsNot() {
        byte[] tooLong = TestMedia.mp4StatingDuration(367L * 24 * 3600);
        assertTrue(probe.probe(tooLong, tooLong.length).implausibility().isPresent());
        byte[] hour = TestMedia.mp4StatingDuration(3600);
        ProbeResult result = probe.probe(hour, hour.length);
        assertEquals(3_600_000L, result.durationMs());
        assertTrue(result.implausibility().isEmpty());
    }

    @Test
    void quarterTurnedMp4ReportsDisplayedDimensions() {
        byte[] clip = TestMedia.bytes("clip.mp4");
        int matrix = indexOf(clip, "tkhd") + 44; // tkhd v0: 4-byte type, then 40 bytes before the matrix
        ByteBuffer.wrap(clip).putInt(matrix, 0).putInt(matrix + 4, 0x10000).putInt(matrix + 12, -0x10000).putInt(matrix + 16, 0);
        ProbeResult result = probe.probe(clip, clip.length);
        assertEquals(240, result.width());
        assertEquals(320, result.height());
    }

    @Test
    void quickTimeBrandedMovieIsQuickTimeWithDurationAndTracks() {
        byte[] movie = TestMedia.bytes("clip.mp4");
        System.arraycopy("qt  ".getBytes(StandardCharsets.US_ASCII), 0, movie, 8, 4); // ftyp major brand
        ProbeResult result = probe.probe(movie, movie.length);
        assertAll(
                () -> assertEquals("video/quicktime", result.contentType()),
                () -> assertEquals(3000L, result.durationMs()),
                () -> assertEquals(true, result.hasVideoTrack()),
                () -> assertEquals(true, result.hasAudioTrack()));
    }

    @Test
    void mp3WithoutInfoFrameEstimatesDurationFromBitrateAndSize() {
        byte[] tone = TestMedia.bytes("tone.mp3");
        // tone.mp3: a 45-byte ID3 tag, then a 182-byte Info frame (56 kbit/s at 44.1 kHz), then the audio frames.
        int audio = 45 + 182;
        assertEquals(0xFF, tone[audio] & 0xFF, "an audio frame starts after the Info frame");
        byte[] withoutInfo = new byte[tone.length - 182];
        System.arraycopy(tone, 0, withoutInfo, 0, 45);
        System.arraycopy(tone, audio, withoutInfo, 45, tone.length - audio);
        ProbeResult result = probe.probe(Arrays.copyOf(withoutInfo, 2_048), withoutInfo.length);
        assertEquals("audio/mpeg", result.contentType());
        assertEquals(2000, result.durationMs(), 200);
    }

    @Test
    void tiffIsMeasuredThroughMetadataExtractor() throws IOException {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB), "tiff", tiff));
        ProbeResult result = probe.probe(tiff.toByteArray(), tiff.size());
        assertImage(result, "image/tiff", 30, 20);
    }

    @Test
    void neverThrowsOnCutOrCorruptedMedia() {
        Random random = new Random(7);
        for (String name : List.of("landscape.jpg", "exif-rotated.jpg", "cmyk.jpg", "alpha.png", "animated.gif",
                "photo.webp", "clip.mp4", "tone.mp3", "doc.pdf", "scripted.svg")) {
            byte[] whole = TestMedia.bytes(name);
            for (int length = 0; length < Math.min(whole.length, 3_000); length += 29) {
                byte[] head = Arrays.copyOf(whole, length);
                assertNotNull(assertDoesNotThrow(() -> probe.probe(head, whole.length), name + " cut at " + length).contentType());
            }
            for (int mutant = 0; mutant < 40; mutant++) {
                byte[] damaged = whole.clone();
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                    damaged[random.nextInt(Math.min(damaged.length, 4_096))] = (byte) random.nextInt(256);
                }
                assertNotNull(assertDoesNotThrow(() -> probe.probe(damaged, damaged.length), name).contentType());
            }
        }
    }

    // --- inputs fuzzing found (HeaderReadersFuzzTest, BytesMediaProbeFuzzTest), byte for byte ---

    @Test
    void aMovieBoxStatingA63BitSizeClaimsNoTracks() {
        // ftyp, then a 'moov' whose 64-bit size is 2^63-1: its end overflowed to a negative number, which passed
        // for "within the head", so the probe claimed a movie with neither video nor audio.
        byte[] head = HexFormat.of().parseHex("00000018667479706973" + "6f6d0000020069736f6d6d703431"
                + "000000016d6f6f767fffffffffffffff");
        assertTrue(IsoBmff.movie(head, head.length).isEmpty());
        ProbeResult result = probe.probe(head, head.length);
        assertEquals(ProbeResult.of("video/mp4", MediaKind.VIDEO), result);
    }

    @Test
    void boxesStatingSizesPastTheirMovieBoxAreNotReadPastTheHead() {
        // A complete 'moov' (36 bytes, ending the head) whose trak, mdia and hdlr each state 2^31-1 bytes, and one
        // whose mvhd does: the readers indexed past the array (the probe's guard then dropped every movie fact).
        String ftyp = "00000018667479706973" + "6f6d0000020069736f6d6d703431";
        byte[] handler = HexFormat.of().parseHex(ftyp + "000000246d6f6f76" + "7fffffff7472616b" + "7fffffff6d646961"
                + "7fffffff68646c72" + "00000000");
        byte[] header = HexFormat.of().parseHex(ftyp + "000000146d6f6f76" + "7fffffff6d766864" + "00000000");
        for (byte[] head : List.of(handler, header)) {
            IsoBmff.Movie movie = assertDoesNotThrow(() -> IsoBmff.movie(head, head.length)).orElseThrow();
            assertEquals(new IsoBmff.Movie(null, false, false, null), movie, "the damaged boxes are not read");
        }
    }

    @Test
    void aBoxRunningToTheEndOfAnObjectOf2To63BytesEndsTheWalk() {
        // ftyp, then a box of size 0 ("to the end of the object") in an object stated as 2^63-1 bytes: the walk's
        // next position overflowed, the bounds check's sum with it, and the reader indexed the array at -1.
        byte[] head = HexFormat.of().parseHex("00000018667479706973" + "6f6d0000020069736f6d6d703431"
                + "000000006d766864");
        assertTrue(assertDoesNotThrow(() -> IsoBmff.movie(head, Long.MAX_VALUE)).isEmpty());
    }

    @Test
    void aMovieStatingLessThanAMillisecondLastsZeroMillisecondsNotNone() {
        // Found by fuzzing (HeaderReadersFuzzTest.isoBmff), where the property wrongly asked for more than 0 ms: an
        // mvhd (version 1) stating 256 units at 16,777,217 a second is stated, so 0 ms rather than null ("not stated").
        byte[] head = HexFormat.of().parseHex("00000018667479706973" + "6f6d0000020069736f6d6d703431"
                + "000000806d6f6f76" + "000000786d766864" + "01000000" + "0000000000000000" + "0000000000000000"
                + "01000001" + "0000000000000100" + "00".repeat(80));
        IsoBmff.Movie movie = IsoBmff.movie(head, head.length).orElseThrow();
        assertEquals(0L, movie.durationMs());
    }

    @Test
    void anIconDeclaring65535ImagesIsMeasuredWithoutAllocatingForEach() {
        // 22 bytes: an icon directory declaring 65,535 entries, and one 16×16 entry. metadata-extractor made a
        // directory and an exception for every declared entry: about 90 MB allocated for these 22 bytes.
        byte[] icon = HexFormat.of().parseHex("00000100ffff" + "10100000010020000000000016000000");
        probe.probe(TestMedia.bytes("alpha.png"), 2_809); // Tika's registry loads on first use
        ProbeResult result = Fuzz.run(() -> probe.probe(icon, icon.length)).allocatedAtMost(4L << 20).answered();
        assertEquals(MediaKind.IMAGE, result.kind());
        assertEquals(16, result.width());
        assertEquals(16, result.height());
    }

    @Test
    void aPhotoshopHeaderIsMeasuredWithoutAllocatingASectionLength() {
        // 76 bytes: a Photoshop header (3 channels, 30 high, 0x50530001 wide) and a second header where the
        // sections should be, read as section lengths. metadata-extractor allocated about 335 MB for them.
        byte[] psd = HexFormat.of().parseHex("38425053000100000000000000030000001e5053000100000000000000030000001e"
                + "000000140008000300000000000000000000000000000014000800030000000000000000000000000000");
        probe.probe(TestMedia.bytes("alpha.png"), 2_809); // Tika's registry loads on first use
        ProbeResult result = Fuzz.run(() -> probe.probe(psd, psd.length)).allocatedAtMost(4L << 20).answered();
        assertEquals("image/vnd.adobe.photoshop", result.contentType());
        assertEquals(0x50530001, result.width(), "as the header states it");
        assertEquals(30, result.height());
    }

    @Test
    void heifIsMeasuredFromItsFirstImageExtentsWithoutAllocatingABoxSize() {
        // 105 bytes: ftyp 'heic', then meta/iprp/ipco/ispe stating 40×30. With the ftyp's size set to 0x00ff0018,
        // metadata-extractor allocated the 16 MB it states before reading it (up to 2 GB can be stated).
        String rest = "6674797068656963000000006d69663168656963000000516d657461000000000000002168646c72000000000000"
                + "0000706963740000000000000000000000000000000024697072700000001c6970636f0000001469737065000000"
                + "00000000280000001e";
        byte[] heif = HexFormat.of().parseHex("00000018" + rest);
        byte[] stating16Mb = HexFormat.of().parseHex("00ff0018" + rest);
        probe.probe(TestMedia.bytes("alpha.png"), 2_809); // Tika's registry loads on first use
        ProbeResult measured = Fuzz.run(() -> probe.probe(heif, heif.length)).allocatedAtMost(4L << 20).answered();
        assertImage(measured, "image/heic", 40, 30);
        ProbeResult damaged = Fuzz.run(() -> probe.probe(stating16Mb, stating16Mb.length)).allocatedAtMost(4L << 20)
                .answered();
        assertEquals(ProbeResult.of("image/heic", MediaKind.IMAGE), damaged);
    }

    @Test
    void isTheMediaProbeBean() {
        try (ApplicationContext context = ApplicationContext.run()) {
            assertInstanceOf(BytesMediaProbe.class, context.getBean(MediaProbe.class));
        }
    }

    private static int indexOf(byte[] haystack, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError(ascii + " not found");
    }
}
