package dev.stowage.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for something asynchronous by polling a condition against a deadline, never by sleeping a fixed time. */
public final class Eventually {

    private static final Duration POLL = Duration.ofMillis(20);

    private Eventually() {
    }

    /**
     * Returns as soon as {@code condition} yields true (checked at least once, then every ~20 ms).
     *
     * @throws AssertionError naming {@code what} if it is still not true after {@code timeout}
     */
    public static void await(Duration timeout, Supplier<Boolean> condition, String what) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                        + " ms waiting for " + what);
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }
}
