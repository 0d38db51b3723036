package dev.stowage.lambda.wiring;

import dev.stowage.domain.event.ListEvents;
import dev.stowage.domain.event.RelayEvents;
import dev.stowage.domain.port.EventPublisher;
import dev.stowage.domain.port.Outbox;
import dev.stowage.lambda.config.EventSettings;
import dev.stowage.lambda.outbox.EventBridgePublisher;
import dev.stowage.lambda.outbox.WebhookPublisher;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * Builds the lifecycle-event use cases over the outbox, and the relay's publisher: EventBridge when a bus is
 * named (on AWS), else the webhook-and-log publisher (locally). Only the relay takes the publisher, through a
 * {@code Provider}, so the other functions never build an EventBridge client.
 */
@Factory
public class EventsFactory {

    @Singleton
    ListEvents listEvents(Outbox outbox) {
        return new ListEvents(outbox);
    }

    @Singleton
    EventPublisher eventPublisher(EventSettings settings, JsonMapper json,
                                  @Value("${aws.region:}") String region,
                                  @Value("${aws.services.eventbridge.endpoint-override:}") String endpoint,
                                  @Value("${aws.accessKeyId:}") String accessKeyId,
                                  @Value("${aws.secretKey:}") String secretKey) {
        if (settings.busName() != null && !settings.busName().isBlank()) {
            return new EventBridgePublisher(json, settings.busName(), settings.source(), region,
                    endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint)),
                    accessKeyId.isBlank() || secretKey.isBlank() ? Optional.empty()
                            : Optional.of(AwsBasicCredentials.create(accessKeyId, secretKey)));
        }
        return new WebhookPublisher(json, Optional.ofNullable(settings.webhookUrl()).filter(u -> !u.isBlank())
                .map(URI::create));
    }

    @Singleton
    RelayEvents relayEvents(Outbox outbox, Provider<EventPublisher> publisher, EventSettings settings) {
        return new RelayEvents(outbox, batch -> publisher.get().publish(batch), settings.maxBatches());
    }
}
