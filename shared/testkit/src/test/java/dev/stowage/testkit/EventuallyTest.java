package dev.stowage.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Eventually returns once the condition holds and fails naming what it waited for. */
class EventuallyTest {

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();

        Eventually.await(Duration.ofSeconds(5), () -> polls.incrementAndGet() == 3, "third poll");

        assertEquals(3, polls.get());
    }

    @Test
    void nullCountsAsNotYet() {
        AtomicInteger polls = new AtomicInteger();

        Eventually.await(Duration.ofSeconds(5), () -> polls.incrementAndGet() < 2 ? null : true, "non-null answer");

        assertEquals(2, polls.get());
    }

    @Test
    void timeoutNamesWhatWasAwaited() {
        long start = System.nanoTime();

        var e = assertThrows(AssertionError.class,
                () -> Eventually.await(Duration.ofMillis(100), () -> false, "the upload to be promoted"));

        assertTrue(e.getMessage().contains("the upload to be promoted"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 100);
    }

    @Test
    void checksAtLeastOnceEvenWithZeroTimeout() {
        AtomicInteger polls = new AtomicInteger();

        Eventually.await(Duration.ZERO, () -> polls.incrementAndGet() > 0, "first poll");

        assertEquals(1, polls.get());
    }
}
