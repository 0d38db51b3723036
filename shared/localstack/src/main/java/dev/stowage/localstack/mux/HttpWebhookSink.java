package dev.stowage.localstack.mux;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the emulator's webhooks to an HTTP endpoint (the local API's webhook route), as Mux does: a few
 * attempts a second apart while it does not answer 2xx (Mux keeps retrying for a day).
 */
public final class HttpWebhookSink implements MuxEmulator.WebhookSink {
    private static final Logger LOG = LoggerFactory.getLogger(HttpWebhookSink.class);
    private static final int ATTEMPTS = 5;

    private final Supplier<URI> target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code target} is asked at each delivery: the API's port may be known only after the emulator started. */
    public HttpWebhookSink(Supplier<URI> target) {
        this.target = target;
    }

    @Override
    public void deliver(String signature, byte[] body) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                URI uri = target.get();
                if (uri != null) {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json").header("Mux-Signature", signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() / 100 == 2) {
                        return;
                    }
                    LOG.warn("webhook to {} answered {} (attempt {})", uri, r.statusCode(), attempt);
                }
            } catch (IOException e) {
                LOG.warn("webhook delivery failed (attempt {}): {}", attempt, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(1000); // Mux's own retries are minutes apart; a local API is up again sooner
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
