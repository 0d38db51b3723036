package dev.stowage.domain.upload;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;

/**
 * How a multipart upload is cut: the server computes the part size from the declared size within
 * S3's limits, so clients never guess.
 */
public record PartPlan(long byteSize, long partSize, int partCount) {
    public static final long MIB = 1L << 20;
    /** S3: every part but the last must be at least this large. */
    public static final long MIN_PART_SIZE = 5 * MIB;
    /** S3: no part may be larger. */
    public static final long MAX_PART_SIZE = 5L << 30;
    /** S3: at most this many parts in one upload. */
    public static final int MAX_PARTS = 10_000;
    /** S3: the largest object a multipart upload can assemble. */
    public static final long MAX_OBJECT_SIZE = 5L << 40;
    /** Parts we prefer when the limits leave a choice: small enough to retry cheaply on a flaky link. */
    public static final long PREFERRED_PART_SIZE = 8 * MIB;

    public static Result<PartPlan> forSize(long byteSize) {
        if (byteSize <= 0) {
            return Result.err(ErrorCode.INVALID_BYTE_SIZE, "byteSize must be positive");
        }
        if (byteSize > MAX_OBJECT_SIZE) {
            return Result.err(ErrorCode.TOO_LARGE, "a multipart upload holds at most " + MAX_OBJECT_SIZE + " bytes");
        }
        long needed = ceilDiv(byteSize, MAX_PARTS);
        long partSize = Math.max(PREFERRED_PART_SIZE, ceilDiv(needed, MIB) * MIB);
        if (partSize > MAX_PART_SIZE) {
            return Result.err(ErrorCode.TOO_LARGE, "no part size within S3's limits fits " + byteSize + " bytes");
        }
        int count = (int) ceilDiv(byteSize, partSize);
        return Result.ok(new PartPlan(byteSize, Math.min(partSize, byteSize), count));
    }

    /** The exact length of part {@code partNumber} (1-based): the last part holds the remainder. */
    public long sizeOf(int partNumber) {
        if (partNumber < 1 || partNumber > partCount) {
            throw new IllegalArgumentException("part " + partNumber + " outside 1.." + partCount);
        }
        return partNumber < partCount ? partSize : byteSize - partSize * (partCount - 1L);
    }

    /** Whether {@code parts} (in part-number order) are exactly this plan's parts, each of its exact length. */
    public boolean isCoveredBy(java.util.List<dev.stowage.domain.port.MultipartStore.Part> parts) {
        if (parts.size() != partCount) {
            return false;
        }
        for (int i = 0; i < partCount; i++) {
            if (parts.get(i).partNumber() != i + 1 || parts.get(i).size() != sizeOf(i + 1)) {
                return false;
            }
        }
        return true;
    }

    public boolean contains(int partNumber) {
        return partNumber >= 1 && partNumber <= partCount;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
