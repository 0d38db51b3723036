package dev.stowage.domain.upload;

import static dev.stowage.domain.upload.PartPlan.MAX_OBJECT_SIZE;
import static dev.stowage.domain.upload.PartPlan.MAX_PARTS;
import static dev.stowage.domain.upload.PartPlan.MIB;
import static dev.stowage.domain.upload.PartPlan.MIN_PART_SIZE;
import static dev.stowage.domain.upload.PartPlan.PREFERRED_PART_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.MultipartStore.Part;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a multipart upload is cut, within S3's limits: 10,000 parts, 5 GiB a part, 5 TiB an object. */
class PartPlanTest {

    static PartPlan plan(long byteSize) {
        return PartPlan.forSize(byteSize).orElseThrow();
    }

    static ErrorCode refusal(long byteSize) {
        return assertInstanceOf(Result.Err.class, PartPlan.forSize(byteSize)).code();
    }

    /** The plan keeps every S3 limit and its parts add up to the whole file. */
    static void assertWithinS3Limits(PartPlan p) {
        assertTrue(p.partCount() >= 1 && p.partCount() <= MAX_PARTS, p.toString());
        assertTrue(p.partSize() <= PartPlan.MAX_PART_SIZE, p.toString());
        long total = 0;
        for (int n = 1; n <= p.partCount(); n++) {
            long size = p.sizeOf(n);
            assertTrue(size > 0 && size <= p.partSize(), "part " + n + " of " + p);
            if (n < p.partCount()) {
                assertTrue(size >= MIN_PART_SIZE, "only the last part may be under S3's minimum: " + p);
            }
            total += size;
        }
        assertEquals(p.byteSize(), total, "the parts add up to the file: " + p);
    }

    @Test
    void aFileThatFitsTenThousandPreferredPartsIsCutIntoPreferredParts() {
        PartPlan p = plan(PREFERRED_PART_SIZE * MAX_PARTS);

        assertEquals(PREFERRED_PART_SIZE, p.partSize());
        assertEquals(MAX_PARTS, p.partCount());
        assertWithinS3Limits(p);
    }

    @Test
    void aFileNeedingMoreThanTenThousandPreferredPartsGetsBiggerWholeMebibyteParts() {
        PartPlan p = plan(PREFERRED_PART_SIZE * MAX_PARTS + 1);

        assertTrue(p.partSize() > PREFERRED_PART_SIZE, p.toString());
        assertEquals(0, p.partSize() % MIB, "whole MiB: " + p);
        assertTrue(p.partCount() <= MAX_PARTS, p.toString());
        assertWithinS3Limits(p);
    }

    @Test
    void exactlyFiveTebibytesIsAcceptedWithinTenThousandParts() {
        PartPlan p = plan(MAX_OBJECT_SIZE);

        assertEquals(5L << 40, p.byteSize());
        assertTrue(p.partCount() <= MAX_PARTS, p.toString());
        assertWithinS3Limits(p);
    }

    @Test
    void oneByteMoreThanFiveTebibytesIsTooLarge() {
        assertEquals(ErrorCode.TOO_LARGE, refusal(MAX_OBJECT_SIZE + 1));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void zeroAndNegativeSizesAreRefused(long byteSize) {
        assertEquals(ErrorCode.INVALID_BYTE_SIZE, refusal(byteSize));
    }

    @Test
    void theLastPartHoldsTheRemainder() {
        PartPlan p = plan(2 * PREFERRED_PART_SIZE + 12_345);

        assertEquals(3, p.partCount());
        assertEquals(PREFERRED_PART_SIZE, p.sizeOf(1));
        assertEquals(PREFERRED_PART_SIZE, p.sizeOf(2));
        assertEquals(12_345, p.sizeOf(3));
        assertWithinS3Limits(p);
    }

    @Test
    void aFileSmallerThanOnePartIsOnePartOfItsOwnSize() {
        PartPlan p = plan(31_155);

        assertEquals(1, p.partCount());
        assertEquals(31_155, p.sizeOf(1));
        assertWithinS3Limits(p);
    }

    @Test
    void aFileOfExactlyWholePartsHasAFullLastPart() {
        PartPlan p = plan(3 * PREFERRED_PART_SIZE);

        assertEquals(3, p.partCount());
        assertEquals(PREFERRED_PART_SIZE, p.sizeOf(3));
        assertWithinS3Limits(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 4, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void askingForTheSizeOfAPartOutsideThePlanThrows(int partNumber) {
        PartPlan p = plan(2 * PREFERRED_PART_SIZE + 12_345);

        assertThrows(IllegalArgumentException.class, () -> p.sizeOf(partNumber));
        assertFalse(p.contains(partNumber));
    }

    static List<Part> partsOf(PartPlan p) {
        List<Part> parts = new ArrayList<>();
        for (int n = 1; n <= p.partCount(); n++) {
            parts.add(new Part(n, "etag-" + n, p.sizeOf(n)));
        }
        return parts;
    }

    @Test
    void isCoveredByExactlyItsPartsInOrderEachOfItsExactLength() {
        PartPlan p = plan(2 * PREFERRED_PART_SIZE + 12_345);
        List<Part> exact = partsOf(p);
        assertTrue(p.isCoveredBy(exact));

        assertFalse(p.isCoveredBy(exact.subList(0, 2)), "a part missing");
        List<Part> extra = new ArrayList<>(exact);
        extra.add(new Part(4, "etag-4", 1));
        assertFalse(p.isCoveredBy(extra), "a part beyond the plan");
        assertFalse(p.isCoveredBy(List.of(exact.get(1), exact.get(0), exact.get(2))), "out of order");
        assertFalse(p.isCoveredBy(List.of(exact.get(0), exact.get(1), new Part(3, "etag-3", 12_344))),
                "the last part one byte short");
        assertFalse(p.isCoveredBy(List.of(exact.get(0), new Part(2, "etag-2", PREFERRED_PART_SIZE + 1), exact.get(2))),
                "a middle part one byte long");
        assertFalse(p.isCoveredBy(List.of(exact.get(0), exact.get(0), exact.get(2))), "a part listed twice");
        assertFalse(p.isCoveredBy(List.of()), "nothing stored");
    }
}
