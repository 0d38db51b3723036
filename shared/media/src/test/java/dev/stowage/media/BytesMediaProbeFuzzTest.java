package dev.stowage.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.fuzz.Fuzz;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the whole probe with Jazzer, the steps done by libraries included (Tika's magic bytes, metadata-extractor
 * for BMP, TIFF and EXIF): whatever the bytes, a probe result with a type and the kind that type implies. A library
 * may fail on hostile bytes (the probe's documented refusal is then fewer fields), but never by allocating what a
 * length field declares or by hanging. The seeds are the test kit's media and the inputs that once crashed it.
 */
class BytesMediaProbeFuzzTest {
    private static final BytesMediaProbe PROBE = new BytesMediaProbe();

    // Tika's detector buffers up to 64 KiB of the head and metadata-extractor copies what it reads, so a few
    // times the input plus a fixed amount; a length field taken at its word is hundreds of megabytes or more.
    static long budget(byte[] input) {
        return (16L << 20) + 32L * input.length;
    }

    @BeforeAll
    static void loadTheDetectorsOnce() {
        // Tika parses its type registry on first use: that allocation belongs to no input.
        PROBE.probe(TestMedia.bytes("alpha.png"), 2_809);
    }

    @FuzzTest
    void probe(byte[] head) {
        for (long totalSize : new long[] {head.length, 5L << 40}) {
            ProbeResult result = Fuzz.run(() -> PROBE.probe(head, totalSize)).allocatedAtMost(budget(head)).answered();
            assertNotNull(result.contentType());
            assertEquals(MediaKinds.of(result.contentType()), result.kind(), result.toString());
            assertTrue(result.width() == null || result.width() > 0, result.toString());
            assertTrue(result.height() == null || result.height() > 0, result.toString());
            assertTrue(result.durationMs() == null || result.durationMs() >= 0, result.toString());
        }
    }
}
