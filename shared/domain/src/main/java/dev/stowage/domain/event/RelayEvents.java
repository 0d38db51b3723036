package dev.stowage.domain.event;

import dev.stowage.domain.port.EventPublisher;
import dev.stowage.domain.port.Outbox;

/**
 * Publishes committed lifecycle events, oldest first, in batches the bus accepts, until the outbox is drained
 * or {@code maxBatches} ran. At least once: an event is marked published only after the bus accepted it, and
 * one the bus refused (or a crash before marking) is sent again by a later run under the same id.
 */
public final class RelayEvents {

    /** What one run did. */
    public record Outcome(int published, int refused) {}

    private final Outbox outbox;
    private final EventPublisher publisher;
    private final int maxBatches;

    public RelayEvents(Outbox outbox, EventPublisher publisher, int maxBatches) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.maxBatches = maxBatches;
    }

    public Outcome execute() {
        int published = 0;
        int refused = 0;
        for (int i = 0; i < maxBatches; i++) {
            int[] claimed = {0};
            int marked = outbox.publishNext(EventPublisher.MAX_BATCH, batch -> {
                claimed[0] = batch.size();
                return publisher.publish(batch);
            });
            published += marked;
            refused += claimed[0] - marked;
            // A short batch drained the outbox; a refusal means the bus is unwell: the next run retries.
            if (claimed[0] < EventPublisher.MAX_BATCH || marked < claimed[0]) {
                break;
            }
        }
        return new Outcome(published, refused);
    }
}
