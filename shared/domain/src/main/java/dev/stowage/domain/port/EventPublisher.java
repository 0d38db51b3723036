package dev.stowage.domain.port;

import dev.stowage.domain.event.LifecycleEvent;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Publishes lifecycle events to the consumers' bus: EventBridge on AWS, a webhook (or the log) locally. */
public interface EventPublisher {

    /** The largest batch one call accepts (EventBridge PutEvents takes 10 entries). */
    int MAX_BATCH = 10;

    /** Publishes {@code events} (at most {@link #MAX_BATCH}); the ids the bus accepted. Never throws for a refused entry. */
    Set<UUID> publish(List<LifecycleEvent> events);
}
