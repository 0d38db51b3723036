package dev.stowage.lambda.http;

import dev.stowage.domain.event.ListEvents;
import dev.stowage.domain.event.LifecycleEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One lifecycle event as clients read it from {@code GET /v1/events} and as the relay publishes it as an
 * EventBridge entry's detail (docs/events.md): the same fields in both places.
 */
@Serdeable
public record EventView(UUID id, long seq, String type, Instant occurredAt, String principalDigest,
                        @Nullable String profile, UUID subjectId, @Nullable UUID assetId, @Nullable UUID sessionId,
                        @Nullable String variant, @Nullable String reason) {

    public static EventView of(LifecycleEvent e) {
        return new EventView(e.id(), e.seq(), e.type(), e.occurredAt(), e.principalDigest(), e.profile().orElse(null),
                e.subjectId(), e.assetId().orElse(null), e.sessionId().orElse(null), e.variantName().orElse(null),
                e.reason().orElse(null));
    }

    /** {@code GET /v1/events}: a page, oldest first, and the {@code after} for the next page. */
    @Serdeable
    public record Page(List<EventView> events, String next) {

        public static Page of(ListEvents.Page p) {
            return new Page(p.events().stream().map(EventView::of).toList(), Long.toString(p.next()));
        }
    }
}
