package dev.stowage.domain.port;

/**
 * The lifecycle tables' counts by state, kept as the states change (V14): every change appends to a log that
 * writers never contend on, and {@link #fold()} moves the log into the totals so a reader's sum stays short.
 */
public interface StateCounts {

    /** Moves every logged change into the totals, atomically; the number of changes folded. */
    long fold();
}
