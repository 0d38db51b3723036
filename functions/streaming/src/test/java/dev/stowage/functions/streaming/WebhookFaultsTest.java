package dev.stowage.functions.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.functions.streaming.StreamingFunctionTest.Webhook;
import dev.stowage.localstack.mux.MuxEmulator;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhook apply with the database failing under it: Mux's {@code video.asset.ready} reaches the function while
 * the connection is cut between its two updates (the provider upload's, then the asset's). The answer is a 503
 * with {@code Retry-After}, which Mux retries; nothing of the half-made change is kept; and the retried webhook
 * ends exactly where a fault-free delivery ends, with one outcome in the outbox.
 */
class WebhookFaultsTest {
    static final ConcurrentLinkedQueue<Webhook> SENT = new ConcurrentLinkedQueue<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static MuxEmulator mux;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;

    @BeforeAll
    static void start() {
        mux = MuxEmulator.start(MuxEmulator.Options.of(0, (signature, body) -> SENT.add(new Webhook(signature, body))));
        Map<String, Object> p = new LinkedHashMap<>(faults.micronautProperties());
        p.put("stowage.streaming.mux.base-url", mux.endpoint().toString());
        p.put("stowage.streaming.mux.token-id", mux.tokenId());
        p.put("stowage.streaming.mux.token-secret", mux.tokenSecret());
        p.put("stowage.streaming.mux.webhook-secret", mux.webhookSecret());
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(p));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
        mux.close();
    }

    @Test
    void aReadyWebhookCutBetweenItsUpdatesIs503AndItsRetryEndsAsAFaultFreeDeliveryEnds() throws Exception {
        UUID reference = uploaded("reference-" + UUID.randomUUID());
        for (Webhook w : webhooksAbout(reference)) {
            assertEquals(200, deliver(w).status());
        }
        UUID faulty = uploaded("faulty-" + UUID.randomUUID());
        List<Webhook> sent = webhooksAbout(faulty);
        for (Webhook w : sent.subList(0, 2)) {
            assertEquals(200, deliver(w).status(), w.type());
        }
        Webhook ready = sent.getLast();
        assertEquals("video.asset.ready", ready.type());
        List<String> before = state(faulty);

        FaultProxy.Rule cut = faults.database.inject(
                When.bytes("UPDATE assets SET state = 'ready'", sql -> sql.contains("UPDATE assets SET state = 'ready'")),
                Fault.refuse());
        var refused = deliver(ready);

        assertEquals(1, cut.fired());
        assertEquals(503, refused.status(), refused.body());
        assertEquals("database_unavailable", refused.string("code"));
        assertEquals("5", refused.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null), "Retry-After in " + refused.headers());
        assertEquals(before, state(faulty), "the provider upload's update went with the asset's: nothing half-made");

        faults.heal();
        assertEquals(200, deliver(ready).status(), "Mux delivers it again");
        List<String> after = state(faulty);
        assertEquals(state(reference).subList(0, 3), after.subList(0, 3), "as a fault-free delivery ends");
        assertNotNull(after.get(3), "a playback id");
        assertEquals(List.of("provider_upload.ready"), outbox(faulty), "one outcome, not one per delivery");
        assertEquals(outbox(reference), outbox(faulty));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** A stream upload created and its bytes sent to the emulator, fault-free; its asset id. */
    static UUID uploaded(String owner) throws Exception {
        var reply = api.call(owner, "POST", "/v1/streaming/uploads", "{\"profile\":\"stream\",\"filename\":\"clip.mp4\"}");
        assertEquals(201, reply.status(), reply.body());
        var put = HTTP.send(HttpRequest.newBuilder(URI.create(reply.string("uploadUrl")))
                .PUT(HttpRequest.BodyPublishers.ofByteArray("a clip".repeat(500).getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, put.statusCode());
        return UUID.fromString(reply.string("assetId"));
    }

    /** The three webhooks the emulator signed about the asset's upload, in the order it sent them. */
    static List<Webhook> webhooksAbout(UUID assetId) throws Exception {
        String uploadId = state(assetId).get(4);
        Eventually.await(Duration.ofSeconds(10), () -> SENT.stream().filter(w -> w.about(uploadId)).count() >= 3,
                "3 webhooks about " + uploadId);
        return new ArrayList<>(SENT.stream().filter(w -> w.about(uploadId)).toList());
    }

    static ApiGatewayClient.Reply deliver(Webhook w) {
        var event = api.event(null, "POST", "/v1/streaming/webhooks/mux", "", "application/json",
                new String(w.body(), StandardCharsets.UTF_8), false);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("mux-signature", w.signature());
        event.setHeaders(headers);
        return api.send(event);
    }

    /** The provider upload's and asset's states, the asset's kind, its playback id and its upload id at Mux. */
    static List<String> state(UUID assetId) throws Exception {
        try (Connection c = faults.connect();
             var q = c.prepareStatement("SELECT u.state, a.state, a.kind, u.playback_id, u.provider_upload_id"
                     + " FROM provider_uploads u JOIN assets a ON a.id = u.asset_id WHERE a.id = ?")) {
            q.setObject(1, assetId);
            try (var r = q.executeQuery()) {
                assertTrue(r.next(), "no provider upload for " + assetId);
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    row.add(r.getString(i));
                }
                return row;
            }
        }
    }

    static List<String> outbox(UUID assetId) throws Exception {
        try (Connection c = faults.connect();
             var q = c.prepareStatement("SELECT type FROM outbox_events WHERE asset_id = ? AND type LIKE 'provider_upload.%'"
                     + " ORDER BY seq")) {
            q.setObject(1, assetId);
            List<String> types = new ArrayList<>();
            try (var r = q.executeQuery()) {
                while (r.next()) {
                    types.add(r.getString(1));
                }
            }
            return types;
        }
    }
}
