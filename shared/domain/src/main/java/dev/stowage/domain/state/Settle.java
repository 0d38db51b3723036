package dev.stowage.domain.state;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits, a bounded time, for another invocation that holds a lane (the S3 event's, a racing call's) to finish, so a
 * caller hears the outcome rather than "in flight". Starts from what the caller already read, so the common case (it
 * is settled) costs no read; reads again every 25 ms; answers the last read when the wait is up.
 */
public final class Settle {
    private static final long POLL_NANOS = 25_000_000;

    private Settle() {}

    public static <T> T until(T first, Supplier<T> read, Predicate<T> settled, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        T now = first;
        while (!settled.test(now) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
            now = read.get();
        }
        return now;
    }
}
