package dev.stowage.lambda.outbox;

import dev.stowage.domain.event.LifecycleEvent;
import dev.stowage.domain.port.EventPublisher;
import dev.stowage.lambda.http.EventView;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for the bus: logs every event and, when a webhook URL is set, POSTs each one to it as
 * JSON (the same body a bus rule's target receives as {@code detail}); an event counts as published when the
 * webhook answered 2xx. Without a URL, logging is publishing.
 */
public final class WebhookPublisher implements EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookPublisher.class);

    private final JsonMapper json;
    private final Optional<URI> url;
    private final Optional<HttpClient> http;

    public WebhookPublisher(JsonMapper json, Optional<URI> url) {
        this.json = json;
        this.url = url;
        // Built only with a URL: every function holds this bean, and an HttpClient starts a selector thread.
        this.http = url.map(u -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    }

    @Override
    public Set<UUID> publish(List<LifecycleEvent> events) {
        Set<UUID> ok = new HashSet<>();
        for (LifecycleEvent e : events) {
            try {
                String body = json.writeValueAsString(EventView.of(e));
                LOG.info("lifecycle event {}", body);
                if (url.isEmpty()) {
                    ok.add(e.id());
                    continue;
                }
                HttpResponse<Void> r = http.orElseThrow().send(HttpRequest.newBuilder(url.get()).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .header("X-Stowage-Event-Type", e.type())
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    ok.add(e.id());
                } else {
                    LOG.warn("the webhook answered {} for event {}; it stays in the outbox", r.statusCode(), e.id());
                }
            } catch (IOException | RuntimeException ex) {
                LOG.warn("the webhook failed for event {}; it stays in the outbox", e.id(), ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ok;
    }
}
