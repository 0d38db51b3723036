package dev.stowage.lambda.wiring;

import dev.stowage.domain.event.ListEvents;
import dev.stowage.domain.port.Outbox;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Builds the lifecycle-event use cases over the outbox. */
@Factory
public class EventsFactory {

    @Singleton
    ListEvents listEvents(Outbox outbox) {
        return new ListEvents(outbox);
    }
}
