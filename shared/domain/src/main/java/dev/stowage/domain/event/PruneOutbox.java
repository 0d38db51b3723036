package dev.stowage.domain.event;

import dev.stowage.domain.port.Outbox;
import java.time.Clock;
import java.time.Duration;

/**
 * The purger's part of the outbox: events the relay published more than the retention ago are deleted, oldest
 * first, in batches of a bounded size and at most {@link #MAX_BATCHES} batches a run (a larger backlog takes
 * several runs). An unpublished event is never deleted: the relay still owes it to the bus.
 */
public final class PruneOutbox {
    /** Batches per run, at most: the purger's run stays short whatever the backlog. */
    static final int MAX_BATCHES = 20;

    private final Outbox outbox;
    private final Clock clock;
    private final Duration retention;
    private final int batchSize;

    public PruneOutbox(Outbox outbox, Clock clock, Duration retention, int batchSize) {
        this.outbox = outbox;
        this.clock = clock;
        this.retention = retention;
        this.batchSize = batchSize;
    }

    /** The number of events deleted. */
    public int run() {
        java.time.Instant cutoff = clock.instant().minus(retention);
        int deleted = 0;
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            int n = outbox.deletePublishedBefore(cutoff, batchSize);
            deleted += n;
            if (n < batchSize) {
                break;
            }
        }
        return deleted;
    }
}
