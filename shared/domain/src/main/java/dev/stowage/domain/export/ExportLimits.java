package dev.stowage.domain.export;

import java.time.Duration;

/**
 * Sizes and times exports keep to. {@code inlineMaxBytes} is what the database keeps with the row; more goes
 * to the bucket in parts of {@code partBytes}; {@code maxBytes} is the hard ceiling ({@code too_large}).
 * {@code pendingLease} is how long one writer (the API call, or one export-worker invocation) may hold a pending
 * export. An inventory of more than {@code syncMaxRows} rows is not written in the API call but queued for the
 * export-worker.
 */
public record ExportLimits(long inlineMaxBytes, long maxBytes, int partBytes, Duration defaultTtl, Duration maxTtl,
                           Duration linkTtl, Duration pendingLease, int listLimit, long syncMaxRows) {
    /** Lambda answers at most 6 MB and a binary body grows by a third in base64: above this, S3 serves it. */
    public static final long ANSWERABLE_BYTES = 4_400_000;
    /** S3's smallest part other than the last. */
    public static final int MIN_PART_BYTES = 5 * 1024 * 1024;

    public ExportLimits {
        if (partBytes < MIN_PART_BYTES) {
            throw new IllegalArgumentException("part size must be at least " + MIN_PART_BYTES);
        }
    }

    /** What is kept in the row: the configured limit, but never more than a Lambda answer can carry. */
    public long rowMaxBytes() {
        return Math.min(inlineMaxBytes, ANSWERABLE_BYTES);
    }
}
