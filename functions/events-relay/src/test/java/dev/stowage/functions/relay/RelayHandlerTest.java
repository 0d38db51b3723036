package dev.stowage.functions.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.UploadStrategy;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.SnapStartCheck;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay, fed the sample scheduled event, against real PostgreSQL and a fake EventBridge endpoint that
 * speaks PutEvents' JSON 1.1 (an outage, then one refused entry, then all accepted). The outbox may hold other
 * tests' events: every assertion is about this test's principal's.
 */
class RelayHandlerTest {
    static final JsonMapper JSON = JsonMapper.createDefault();
    static ApplicationContext context;
    static RelayHandler handler;
    static HttpServer bus;
    static final List<Map<String, Object>> entries = new CopyOnWriteArrayList<>();
    static final List<String> authorizations = new CopyOnWriteArrayList<>();
    static volatile int outageStatus;
    static volatile String refuse;
    static final Map.Entry<String, String> APPLICATION = DatabaseWatch.applicationName("relay");

    final Principal alice = new Principal("alice-" + UUID.randomUUID());

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        bus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bus.createContext("/", exchange -> {
            assertEquals("AWSEvents.PutEvents", exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            var request = JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
            List<Map<String, Object>> results = new ArrayList<>();
            for (Map<String, Object> entry : (List<Map<String, Object>>) request.get("Entries")) {
                entries.add(entry);
                var detail = JSON.readValue((String) entry.get("Detail"), Map.class);
                results.add(detail.get("id").equals(refuse)
                        ? Map.of("ErrorCode", "InternalFailure", "ErrorMessage", "refused by the test")
                        : Map.of("EventId", UUID.randomUUID().toString()));
            }
            int status = outageStatus == 0 ? 200 : outageStatus;
            byte[] body = JSON.writeValueAsBytes(status == 200
                    ? Map.of("FailedEntryCount", results.stream().filter(r -> r.containsKey("ErrorCode")).count(),
                            "Entries", results)
                    : Map.of("__type", "InternalException"));
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        bus.start();
        var properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("stowage.events.bus-name", "stowage-test");
        properties.put(APPLICATION.getKey(), APPLICATION.getValue());
        properties.put("aws.region", "eu-west-1");
        properties.put("aws.services.eventbridge.endpoint-override", "http://127.0.0.1:" + bus.getAddress().getPort());
        properties.put("aws.accessKeyId", "AKIDEXAMPLE");
        properties.put("aws.secretKey", "test-secret-key");
        context = ApplicationContext.run(properties);
        handler = new RelayHandler(context);
    }

    @AfterAll
    static void stop() {
        context.close();
        bus.stop(0);
    }

    void completedUpload() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = UUID.randomUUID();
        UUID assetId = UUID.randomUUID();
        String key = "staging/" + id + "/a.jpg";
        UploadSessions sessions = context.getBean(UploadSessions.class);
        sessions.insertWithAsset(new UploadSession(id, alice, Optional.of(assetId), "image",
                UploadStrategy.PRESIGNED_PUT, UploadState.INITIALIZED, key, "a.jpg", "image/jpeg", 10,
                Optional.empty(), Optional.empty(), Optional.empty(), now.plusSeconds(3600), Optional.empty(), now,
                now), Asset.staged(assetId, alice, "image", "a.jpg", "image/jpeg", 10, Optional.empty(), key, now));
        sessions.transition(id, EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
        sessions.transition(id, EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING);
        assertTrue(sessions.complete(id, assetId));
    }

    static void relay() throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Events.text("scheduled-relay.json")
                .getBytes(StandardCharsets.UTF_8)), out, null);
        assertTrue(JSON.readValue(out.toByteArray(), Map.class).containsKey("published"));
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> detailsOfAlice() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(alice.id().getBytes(StandardCharsets.UTF_8)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> e : entries) {
            Map<String, Object> detail = JSON.readValue((String) e.get("Detail"), Map.class);
            if (digest.equals(detail.get("principalDigest"))) {
                assertEquals("stowage-test", e.get("EventBusName"));
                assertEquals("stowage", e.get("Source"));
                assertEquals(detail.get("type"), e.get("DetailType"));
                assertFalse(((String) e.get("Detail")).contains(alice.id()), "never the raw principal");
                out.add(detail);
            }
        }
        return out;
    }

    @Test
    void theSnapStartHookClosesThePoolForTheSnapshotAndTheFirstRunAfterTheRestoreOpensItAgain() throws Exception {
        outageStatus = 0;
        SnapStartCheck.poolClosedForTheSnapshot(APPLICATION.getValue(), () -> handler.priming().beforeCheckpoint(null),
                () -> handler.priming().afterRestore(null), RelayHandlerTest::relay);
        assertEquals(List.of(), handler.priming().answered(), "a relay run has nothing to prime without publishing");
    }

    @Test
    void everyEventReachesTheBusOnceUnderItsOwnIdThroughAnOutageAndARefusedEntry() throws Exception {
        for (int i = 0; i < 3; i++) {
            completedUpload();
        }
        outageStatus = 500;
        relay();
        List<Map<String, Object>> tried = detailsOfAlice();
        assertEquals(3, tried.size(), "the outage run tried each once and published none");
        assertTrue(authorizations.getLast().contains("/eu-west-1/events/aws4_request"), authorizations.getLast());

        outageStatus = 0;
        refuse = (String) tried.get(1).get("id");
        relay();
        refuse = null;
        relay();
        relay();

        List<Map<String, Object>> all = detailsOfAlice();
        Set<Object> ids = tried.stream().map(d -> d.get("id")).collect(Collectors.toSet());
        assertEquals(ids, all.stream().map(d -> d.get("id")).collect(Collectors.toSet()), "never a new id");
        // Outage run: 3; second run: 3 (one refused); third: the refused one; fourth: nothing.
        assertEquals(7, all.size(), all.toString());
        Map<Object, Long> sends = all.stream().collect(Collectors.groupingBy(d -> d.get("id"), Collectors.counting()));
        assertEquals(3L, sends.get(tried.get(1).get("id")), "outage, refusal, accepted");
        assertEquals(2L, sends.get(tried.get(0).get("id")), "outage, accepted");
        assertEquals(List.of("upload.completed", "upload.completed", "upload.completed"),
                tried.stream().map(d -> d.get("type")).toList());
    }
}
