package dev.stowage.functions.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/events through the assets function's API Gateway handler, over the real outbox. */
class EventsRouteTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    Asset stored(String owner) {
        byte[] bytes = TestMedia.bytes("landscape.jpg");
        return function.getApplicationContext().getBean(ProxiedUpload.class).execute(new Principal(owner),
                new ProxiedUpload.Command(new UploadAdmission.Declared("image", "landscape.jpg", "image/jpeg",
                        (long) bytes.length, null), bytes)).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> events(ApiGatewayClient.Reply reply) {
        return (List<Map<String, Object>>) reply.map().getOrDefault("events", List.of());
    }

    @Test
    void theCallerPagesThroughItsOwnEventsByCursorAndSeesNoOneElses() {
        Asset asset = stored(alice);
        stored("bob-" + UUID.randomUUID());

        List<Map<String, Object>> all = new ArrayList<>();
        String after = "0";
        for (int page = 0; page < 10; page++) {
            var reply = api.call(alice, "GET", "/v1/events?limit=1&after=" + after, "");
            assertEquals(200, reply.status(), reply.body());
            if (events(reply).isEmpty()) {
                assertEquals(after, reply.string("next"), "an empty page keeps the cursor");
                break;
            }
            assertEquals(1, events(reply).size());
            all.addAll(events(reply));
            after = reply.string("next");
        }
        assertTrue(all.stream().map(e -> e.get("type")).toList().contains("asset.available"), all.toString());
        assertTrue(all.stream().allMatch(e -> asset.id().toString().equals(e.get("assetId"))),
                "only alice's asset's events: " + all);
        assertEquals(1, all.stream().map(e -> e.get("principalDigest")).distinct().count());
        assertTrue(all.stream().noneMatch(e -> e.toString().contains(alice)), "never the raw principal");
        List<Long> seqs = all.stream().map(e -> ((Number) e.get("seq")).longValue()).toList();
        assertEquals(seqs.stream().sorted().distinct().toList(), seqs, "oldest first, each once");
    }

    @Test
    void aBadCursorOrLimitIsA422ProblemWithAStableCode() {
        for (String query : List.of("after=abc", "after=-1", "limit=0", "limit=501", "limit=x")) {
            var reply = api.call(alice, "GET", "/v1/events?" + query, "");
            assertEquals(422, reply.status(), query + ": " + reply.body());
            assertEquals(query.startsWith("after") ? "invalid_cursor" : "invalid_field", reply.string("code"), query);
        }
    }
}
