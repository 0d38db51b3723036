package dev.stowage.functions.exports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.FakeSsm;
import dev.stowage.testkit.FakeSsm.Answer;
import dev.stowage.testkit.ManualClock;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    static FakeSsm ssm;
    static int readsAtStart;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String alice = "alice-" + UUID.randomUUID();
    final String carol = "carol-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        ssm = FakeSsm.start();
        ssm.answer(PARAMETER, Answer.value(OLD));
        Map<String, Object> p = new HashMap<>(TestStack.get().micronautProperties());
        p.remove("stowage.exports.secret");
        p.put("stowage.exports.signing-parameter", PARAMETER);
        p.put("stowage.exports.signing-cache-ttl", "5m");
        p.putAll(ssm.properties());
        p.put("test.manual-clock", true);
        // As Lambda builds it: every singleton at start-up.
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.builder().properties(p)
                .eagerInitSingletons(true).start());
        api = new ApiGatewayClient(function);
        readsAtStart = ssm.seen().size();
    }

    @AfterAll
    static void stop() {
        function.close();
        ssm.close();
    }

    @BeforeEach
    void whateverTheLastTestCachedHasRunOut() {
        CLOCK.advance(Duration.ofHours(1));
        ssm.answer(PARAMETER, Answer.value(OLD));
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
        int before = ssm.seen().size();
        String link = createExport();
        assertEquals(200, download(link).status());
        assertEquals(200, download(link).status());
        assertEquals(before + 1, ssm.seen().size(), "one read, then the cache");
        FakeSsm.Seen read = ssm.seen().getLast();
        assertEquals("AmazonSSM.GetParameter", read.target());
        assertEquals(Map.of("Name", PARAMETER, "WithDecryption", true), read.body());
        assertTrue(read.authorization().startsWith("AWS4-HMAC-SHA256 Credential=" + FakeSsm.ACCESS_KEY_ID + "/")
                && read.authorization().contains("/eu-west-1/ssm/aws4_request"), read.authorization());
    }

    @Test
    void aRotationReachesTheFunctionWhenTheCacheRunsOutAndOldLinksLiveOnlyInTheGraceWindow() {
        String oldLink = createExport();
        String id = oldLink.split("/")[3];
        ssm.answer(PARAMETER, Answer.value(rotation(CLOCK.instant().plus(Duration.ofHours(1)).toString())));

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
            ssm.answer(PARAMETER, broken);
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
        ssm.answer(PARAMETER, Answer.value(OLD));
        CLOCK.advance(Duration.ofSeconds(4));
        assertEquals(503, download(link).status(), "a failed read is kept for the Retry-After it announced");
        CLOCK.advance(Duration.ofSeconds(1));
        assertEquals(200, download(link).status(), "and then the secret is read again");
        var carols = api.call(carol, "GET", "/v1/exports", "");
        assertEquals(200, carols.status(), carols.body());
        assertFalse(carols.body().contains("c.csv"), "a create answered 503 left an export: " + carols.body());
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
