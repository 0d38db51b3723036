package dev.stowage.media;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.testkit.fuzz.Fuzz;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Fuzzes the header readers written here (JPEG, PNG/GIF/WebP, icon/PSD, ISO-BMFF movies and HEIF, MPEG audio)
 * with Jazzer: whatever the bytes, each answers with what it could read or with nothing ("absent, cut short or
 * nonsensical"), never an exception, in bounded time, allocating about as much as the input and never what the
 * input merely declares. The seeds are real files (HeaderReadersFuzzTestInputs/&lt;target&gt;/).
 */
// Public, with public targets, so that shared/lambda's EdgeDecodersFuzzTest can fuzz them with its own in one JVM.
public class HeaderReadersFuzzTest {
    /** What a probe may be told the object's size is: the head's own, beyond it, S3's 5 TiB, nonsense. */
    static final List<Long> TOTAL_SIZES = List.of(0L, -1L, 1L << 40, 5L << 40, 1L << 60, Long.MAX_VALUE, Long.MIN_VALUE);

    // Records for the boxes and segments walked, the copied EXIF block (at most 64 KiB) and metadata-extractor's
    // work on it: a small multiple of the input. A size field taken for an allocation would be 2^31 or so.
    static long budget(byte[] input) {
        return (1L << 20) + 16L * input.length;
    }

    @FuzzTest
    public void jpegHeader(byte[] b) {
        JpegHeader jpeg = Fuzz.run(() -> JpegHeader.read(b)).allocatedAtMost(budget(b)).answered();
        assertSane(jpeg.size());
        assertTrue(jpeg.orientation() == null || jpeg.orientation() >= 1 && jpeg.orientation() <= 8,
                "orientation " + jpeg.orientation());
    }

    @FuzzTest
    public void webImageHeaders(byte[] b) {
        for (String type : List.of("image/png", "image/gif", "image/webp")) {
            assertSane(Fuzz.run(() -> WebImageHeaders.size(type, b)).allocatedAtMost(budget(b)).answered());
        }
    }

    @FuzzTest
    public void iconAndPsdHeaders(byte[] b) {
        if (Fuzz.run(() -> IconAndPsdHeaders.recognises(b)).answered()) {
            assertSane(Fuzz.run(() -> IconAndPsdHeaders.size(b)).allocatedAtMost(budget(b)).answered());
        }
    }

    @FuzzTest
    public void isoBmff(byte[] b) {
        Fuzz.run(() -> IsoBmff.majorBrand(b)).allocatedAtMost(budget(b)).answered();
        assertSane(Fuzz.run(() -> IsoBmff.imageExtent(b)).allocatedAtMost(budget(b)).answered());
        for (long totalSize : totalSizes(b)) {
            Optional<IsoBmff.Movie> movie = Fuzz.run(() -> IsoBmff.movie(b, totalSize)).allocatedAtMost(budget(b))
                    .answered();
            movie.ifPresent(m -> {
                assertSane(m.displayedSize());
                // 0 is a stated duration under a millisecond (mvhd-stating-less-than-a-millisecond.mp4); null, none.
                assertTrue(m.durationMs() == null || m.durationMs() >= 0, "duration " + m.durationMs());
            });
        }
    }

    @FuzzTest
    public void mpegAudio(byte[] b) {
        for (long totalSize : totalSizes(b)) {
            OptionalLong duration = Fuzz.run(() -> MpegAudio.durationMs(b, totalSize)).allocatedAtMost(budget(b))
                    .answered();
            // Any size, absurd ones included (no duration then): never a negative duration.
            assertTrue(duration.orElse(0) >= 0, "duration " + duration + " for " + totalSize + " bytes");
        }
    }

    static List<Long> totalSizes(byte[] b) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of((long) b.length), TOTAL_SIZES.stream()).toList();
    }

    static void assertSane(Size size) {
        assertTrue(size == null || size.width() > 0 && size.height() > 0, "size " + size);
    }
}
