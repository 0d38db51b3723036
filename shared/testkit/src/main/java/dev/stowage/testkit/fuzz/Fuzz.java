package dev.stowage.testkit.fuzz;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/**
 * Runs one fuzz input through a parser on a watched thread, so that each property can say the three things
 * fuzzing checks: the parser answered or refused as documented (never another exception), it allocated
 * nothing in proportion to a size the input merely declares, and it did not hang.
 */
public final class Fuzz {
    /**
     * Orders of magnitude beyond what any parser here needs for one input (well under a millisecond); a
     * try that takes longer is taken to hang. {@code -Dstowage.fuzz.hang-seconds} widens it on a slow machine.
     */
    public static final Duration HANG = Duration.ofSeconds(Long.getLong("stowage.fuzz.hang-seconds", 10));

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    // Idle threads are reused, so a try costs a hand-over, not a thread; one that hangs is left behind (a
    // daemon, interrupted) and the next try gets another.
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fuzz-try");
        thread.setDaemon(true);
        return thread;
    });

    private Fuzz() {}

    /** What one input made the parser do: its answer or what it threw, and the bytes it allocated meanwhile. */
    public static final class Outcome<T> {
        private final Callable<T> parse;
        private final T value;
        private final Throwable thrown;
        private final long allocatedBytes;

        private Outcome(Callable<T> parse, T value, Throwable thrown, long allocatedBytes) {
            this.parse = parse;
            this.value = value;
            this.thrown = thrown;
            this.allocatedBytes = allocatedBytes;
        }

        public T value() {
            return value;
        }

        public Throwable thrown() {
            return thrown;
        }

        public long allocatedBytes() {
            return allocatedBytes;
        }

        /** The answer, failing the try if the parser threw anything at all. */
        public T answered() {
            if (thrown != null) {
                throw failure("threw instead of answering", thrown);
            }
            return value;
        }

        /**
         * The answer, or null when the parser refused as documented: an exception of {@code refusal}'s type
         * that {@code documented} accepts (its message, say). Any other exception fails the try.
         */
        public <X extends Throwable> T answeredOrRefused(Class<X> refusal, Predicate<? super X> documented) {
            if (thrown == null) {
                return value;
            }
            if (refusal.isInstance(thrown) && documented.test(refusal.cast(thrown))) {
                return null;
            }
            throw failure("threw other than its documented refusal (" + refusal.getSimpleName() + ")", thrown);
        }

        /**
         * This outcome, failing the try when the parser allocated more than {@code budgetBytes}. The first run
         * of a code path in a JVM loads its classes and fills its caches (a detector's registry, a library's
         * tables), which happens once, not once per input: an input over the budget is run again and judged by
         * that second run, while one that allocates what it declares does so every time.
         */
        public Outcome<T> allocatedAtMost(long budgetBytes) {
            if (allocatedBytes <= budgetBytes) {
                return this;
            }
            Outcome<T> again = run(parse);
            if (again.allocatedBytes > budgetBytes) {
                throw new AssertionFailedError("allocated " + again.allocatedBytes + " bytes for one input, over the budget of "
                        + budgetBytes + ": something sized an allocation by what the input declares");
            }
            return again;
        }
    }

    /**
     * Runs {@code parse} once, within {@link #HANG}. Errors count as outcomes too (an {@link OutOfMemoryError}
     * or {@link StackOverflowError} is what a hostile length or nesting produces), so the property decides.
     */
    public static <T> Outcome<T> run(Callable<T> parse) {
        Future<Outcome<T>> tried = WORKERS.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            T value = null;
            Throwable thrown = null;
            try {
                value = parse.call();
            } catch (Throwable t) {
                thrown = t;
            }
            return new Outcome<>(parse, value, thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
        });
        try {
            return tried.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            tried.cancel(true);
            throw new AssertionFailedError("no answer within " + HANG.toSeconds() + " s: the parser hangs on this input");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the try itself failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a try", e);
        }
    }

    private static AssertionFailedError failure(String what, Throwable thrown) {
        return new AssertionFailedError(what + ": " + thrown, thrown);
    }
}
