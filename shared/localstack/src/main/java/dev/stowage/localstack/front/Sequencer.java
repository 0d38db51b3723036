package dev.stowage.localstack.front;

import java.util.concurrent.atomic.AtomicLong;

/**
 * S3's {@code sequencer}: fixed-width upper-case hex that only grows, so consumers can order events
 * for one key by comparing strings.
 */
final class Sequencer {
    // Seeded from the clock so values keep growing across launcher restarts, not just within one JVM.
    private static final AtomicLong LAST = new AtomicLong();

    private Sequencer() {}

    static String next() {
        long now = System.currentTimeMillis() << 20;
        long value = LAST.updateAndGet(prev -> Math.max(prev + 1, now));
        return String.format("%018X", value);
    }
}
