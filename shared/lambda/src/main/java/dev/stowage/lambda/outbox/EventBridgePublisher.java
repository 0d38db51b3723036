package dev.stowage.lambda.outbox;

import dev.stowage.domain.event.LifecycleEvent;
import dev.stowage.domain.port.EventPublisher;
import dev.stowage.lambda.http.EventView;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Publishes a batch as one EventBridge {@code PutEvents} call, in its JSON 1.1 protocol, signed with the
 * SDK's SigV4 signer: hand-made, as {@code SsmParameterStore} is, because the SDK's {@code eventbridge} module
 * is not served at the project's SDK version (2.31.66). Each entry's {@code Detail} is the event as
 * {@code GET /v1/events} shows it, so its {@code id} (the outbox's) is the consumer's dedupe key;
 * EventBridge's own entry ids change with every put. PutEvents answers per entry: the ids it accepted are
 * returned, a refused entry (or a failed call) stays in the outbox for the next run.
 * Settings as micronaut-aws-sdk-v2 would read them: {@code aws.region},
 * {@code aws.services.eventbridge.endpoint-override}, static credentials for tests, else the default chain.
 */
public final class EventBridgePublisher implements EventPublisher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBridgePublisher.class);
    private static final String TARGET = "AWSEvents.PutEvents";

    private final JsonMapper json;
    private final String busName;
    private final String source;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final URI endpoint;

    public EventBridgePublisher(JsonMapper json, String busName, String source, String region,
                                Optional<URI> endpoint, Optional<AwsBasicCredentials> staticCredentials) {
        this.json = json;
        this.busName = busName;
        this.source = source;
        this.region = region.isBlank() ? new DefaultAwsRegionProviderChain().getRegion() : Region.of(region);
        this.endpoint = endpoint.orElseGet(() -> URI.create("https://events." + this.region.id() + "."
                + (this.region.metadata() == null ? "amazonaws.com" : this.region.metadata().partition().dnsSuffix())));
        this.credentials = staticCredentials.<AwsCredentialsProvider>map(StaticCredentialsProvider::create)
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        this.http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public Set<UUID> publish(List<LifecycleEvent> events) {
        if (events.size() > MAX_BATCH) {
            throw new IllegalArgumentException("PutEvents takes at most " + MAX_BATCH + " entries");
        }
        try {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (LifecycleEvent e : events) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("EventBusName", busName);
                entry.put("Source", source);
                entry.put("DetailType", e.type());
                entry.put("Time", e.occurredAt().getEpochSecond());
                entry.put("Detail", json.writeValueAsString(EventView.of(e)));
                entries.add(entry);
            }
            byte[] body = json.writeValueAsBytes(Map.of("Entries", entries));
            SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                    .putHeader("X-Amz-Target", TARGET).build();
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "events")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request()).contentStreamProvider(signed.payload().orElse(null)).build()).call();
            byte[] answer;
            try (InputStream in = response.responseBody().orElse(null)) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            int status = response.httpResponse().statusCode();
            if (status / 100 != 2) {
                LOG.warn("PutEvents answered {} {}; {} events stay in the outbox", status,
                        new String(answer, java.nio.charset.StandardCharsets.UTF_8), events.size());
                return Set.of();
            }
            return accepted(events, json.readValue(answer, Map.class).get("Entries"));
        } catch (IOException | RuntimeException e) {
            // Connection refused, timeouts, no credentials, an unreadable answer: the next run sends them again.
            LOG.warn("PutEvents failed; {} events stay in the outbox", events.size(), e);
            return Set.of();
        }
    }

    /** PutEvents answers one result per entry, in order: an {@code EventId}, or an {@code ErrorCode}. */
    private static Set<UUID> accepted(List<LifecycleEvent> events, Object results) {
        Set<UUID> ok = new HashSet<>();
        if (!(results instanceof List<?> list) || list.size() != events.size()) {
            LOG.warn("PutEvents answered no per-entry results; {} events stay in the outbox", events.size());
            return ok;
        }
        for (int i = 0; i < events.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> r && r.get("EventId") != null && r.get("ErrorCode") == null) {
                ok.add(events.get(i).id());
            } else {
                LOG.warn("PutEvents refused event {}: {}", events.get(i).id(), list.get(i));
            }
        }
        return ok;
    }

    @Override
    public void close() {
        http.close();
    }
}
