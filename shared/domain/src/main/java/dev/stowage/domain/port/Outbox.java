package dev.stowage.domain.port;

import dev.stowage.domain.Principal;
import dev.stowage.domain.event.LifecycleEvent;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The lifecycle outbox. Events are written by the database in the transaction of the state change that
 * produced them (V12's triggers); this port reads them for their principal and hands them to the relay.
 */
public interface Outbox {

    /** The principal's events with {@code seq > after}, oldest first, at most {@code limit}. */
    List<LifecycleEvent> ofPrincipal(Principal principal, long after, int limit);

    /**
     * Claims up to {@code limit} unpublished events, oldest first, that no concurrent relay holds, passes them
     * to {@code publish}, and marks published the ids it returns, all in one transaction; the others stay
     * unpublished (under the same id) for the next run. The number marked published.
     */
    int publishNext(int limit, Function<List<LifecycleEvent>, Set<UUID>> publish);

    /**
     * Deletes up to {@code limit} events published before {@code cutoff}, oldest first, in one statement; an
     * unpublished event is never deleted. The number deleted.
     */
    int deletePublishedBefore(java.time.Instant cutoff, int limit);
}
