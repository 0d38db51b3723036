package dev.stowage.functions.exports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exports function as on AWS: no secret in its configuration, only the name of an SSM parameter, read
 * by the real client from an endpoint that speaks SSM's JSON 1.1 protocol. Time is a manual clock, so the
 * cache running out and a grace window closing are moves of the clock, not waits.
 */
class ExportSigningSecretTest {
    static final String PARAMETER = "/stowage/exports/secret";
    static final String OLD = "old-ssm-secret-0123456789abcdef0123456789";
    static final String NEW = "new-ssm-secret-0123456789abcdef0123456789";
    static final ManualClock CLOCK = new ManualClock(Instant.now());
    static final JsonMapper JSON = JsonMapper.createDefault();

    /** What the fake SSM answers: a value, or an HTTP status with SSM's error type. */
    record Answer(String value, int status, String errorType) {
        static Answer value(String v) {
            return new Answer(v, 200, null);
        }

        static Answer error(int status, String type) {
            return new Answer(null, status, type);
        }
    }

    record Seen(String target, String authorization, Map<?, ?> body) {}

    static volatile Answer answer = Answer.value(OLD);
    static final List<Seen> seen = new CopyOnWriteArrayList<>();
    static HttpServer ssm;
    static int readsAtStart;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String alice = "alice-" + UUID.randomUUID();
    final String carol = "carol-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws IOException {
        ssm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ssm.createContext("/", exchange -> {
            seen.add(new Seen(exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class)));
            Answer a = answer;
            byte[] body = JSON.writeValueAsBytes(a.value() != null
                    ? Map.of("Parameter", Map.of("Name", PARAMETER, "Type", "SecureString", "Value", a.value(),
                            "Version", 1))
                    : Map.of("__type", a.errorType(), "message", "answered by the test"));
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(a.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ssm.start();
        Map<String, Object> p = new HashMap<>(TestStack.get().micronautProperties());
        p.remove("stowage.exports.secret");
        p.put("stowage.exports.signing-parameter", PARAMETER);
        p.put("stowage.exports.signing-cache-ttl", "5m");
        p.put("aws.region", "eu-west-1");
        p.put("aws.services.ssm.endpoint-override", "http://127.0.0.1:" + ssm.getAddress().getPort());
        p.put("aws.accessKeyId", "AKIDEXAMPLE");
        p.put("aws.secretKey", "test-secret-key");
        p.put("test.manual-clock", true);
        // As Lambda builds it: every singleton at start-up.
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.builder().properties(p)
                .eagerInitSingletons(true).start());
        api = new ApiGatewayClient(function);
        readsAtStart = seen.size();
    }

    @AfterAll
    static void stop() {
        function.close();
        ssm.stop(0);
    }

    @BeforeEach
    void whateverTheLastTestCachedHasRunOut() {
        CLOCK.advance(Duration.ofHours(1));
        answer = Answer.value(OLD);
    }

    String createExport() {
        var created = api.call(alice, "POST", "/v1/exports", "{\"filename\":\"a.csv\",\"format\":\"csv\","
                + "\"contentType\":\"text/csv\",\"content\":\"id\\n1\\n\"}");
        assertEquals(201, created.status(), created.body());
        return created.string("downloadUrl");
    }

    static ApiGatewayClient.Reply download(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return api.send(api.event(null, "GET", pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1),
                "application/json", "", false));
    }

    static String header(ApiGatewayClient.Reply reply, String name) {
        return reply.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    static String rotation(String until) {
        return "{\"current\":\"" + NEW + "\",\"previous\":\"" + OLD + "\",\"previousValidUntil\":\"" + until + "\"}";
    }

    @Test
    void startingReadsNothingThenTheSecretIsReadOnceDecryptedAndSignedForUntilTheCacheRunsOut() {
        assertEquals(0, readsAtStart, "nothing is read while the function starts, eager as on Lambda");
        int before = seen.size();
        String link = createExport();
        assertEquals(200, download(link).status());
        assertEquals(200, download(link).status());
        assertEquals(before + 1, seen.size(), "one read, then the cache");
        Seen read = seen.getLast();
        assertEquals("AmazonSSM.GetParameter", read.target());
        assertEquals(Map.of("Name", PARAMETER, "WithDecryption", true), read.body());
        assertTrue(read.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                && read.authorization().contains("/eu-west-1/ssm/aws4_request"), read.authorization());
    }

    @Test
    void aRotationReachesTheFunctionWhenTheCacheRunsOutAndOldLinksLiveOnlyInTheGraceWindow() {
        String oldLink = createExport();
        String id = oldLink.split("/")[3];
        answer = Answer.value(rotation(CLOCK.instant().plus(Duration.ofHours(1)).toString()));

        CLOCK.advance(Duration.ofMinutes(4));
        assertEquals(oldLink, api.call(alice, "GET", "/v1/exports/" + id, "").string("downloadUrl"),
                "inside the cache TTL the function still signs with what it read");

        CLOCK.advance(Duration.ofMinutes(1).plusSeconds(1));
        String newLink = api.call(alice, "GET", "/v1/exports/" + id, "").string("downloadUrl");
        assertNotEquals(oldLink, newLink, "past the TTL it signs with the new secret");
        assertEquals(200, download(newLink).status());
        assertEquals(200, download(oldLink).status(), "the old secret's link inside the grace window");

        CLOCK.advance(Duration.ofHours(1));
        assertEquals(404, download(oldLink).status(), "the old secret's link after the grace window");
        assertEquals(200, download(newLink).status());
    }

    @Test
    void whenSsmCannotGiveAUsableSecretTheTokenRoutesAnswer503ToRetryNever500() {
        String link = createExport();
        String id = link.split("/")[3];
        for (Answer broken : List.of(Answer.error(500, "InternalServerError"),
                Answer.error(400, "ParameterNotFound"), Answer.value("too-short"), Answer.value(""),
                Answer.value("{\"current\":\"" + NEW + "\",\"previous\":\"" + OLD + "\"}"))) {
            CLOCK.advance(Duration.ofHours(1));
            answer = broken;
            // A create is refused before anything is written: a retry after the 503 must not make a second export.
            var refusedCreate = api.call(carol, "POST", "/v1/exports", "{\"filename\":\"c.csv\",\"format\":\"csv\","
                    + "\"contentType\":\"text/csv\",\"content\":\"id\\n1\\n\"}");
            for (var reply : List.of(download(link), api.call(alice, "GET", "/v1/exports/" + id, ""),
                    api.call(alice, "GET", "/v1/exports", ""), refusedCreate)) {
                assertEquals(503, reply.status(), broken + ": " + reply.body());
                assertEquals("signing_unavailable", reply.string("code"), broken.toString());
                assertEquals("5", header(reply, "Retry-After"), broken.toString());
                assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
                assertTrue(!reply.body().contains(OLD) && !reply.body().contains(NEW), reply.body());
            }
        }
        answer = Answer.value(OLD);
        CLOCK.advance(Duration.ofSeconds(4));
        assertEquals(503, download(link).status(), "a failed read is kept for the Retry-After it announced");
        CLOCK.advance(Duration.ofSeconds(1));
        assertEquals(200, download(link).status(), "and then the secret is read again");
        var carols = api.call(carol, "GET", "/v1/exports", "");
        assertEquals(200, carols.status(), carols.body());
        assertFalse(carols.body().contains("c.csv"), "a create answered 503 left an export: " + carols.body());
    }

    /** A clock the tests move. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Puts the manual clock in place of the system one, for this class's context only. */
    @Factory
    @Requires(property = "test.manual-clock", value = "true")
    static class ManualClockFactory {
        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
