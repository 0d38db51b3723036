package dev.stowage.functions.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.lambda.streaming.MuxCredentials;
import dev.stowage.lambda.streaming.MuxSettings;
import dev.stowage.lambda.streaming.MuxStreamingProvider;
import dev.stowage.lambda.streaming.ParameterMuxCredentials;
import dev.stowage.localstack.mux.MuxEmulator;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.FakeSsm;
import dev.stowage.testkit.FakeSsm.Answer;
import dev.stowage.testkit.ManualClock;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming function as on AWS: no Mux credentials in its configuration, only the names of the SSM
 * parameters holding them, read by the real client from a fake SSM endpoint, then used against the Mux
 * emulator. Time is a manual clock: the credentials' cache running out is a move of the clock.
 */
class MuxCredentialsFromSsmTest {
    static final String TOKEN = "/stowage/mux/token";
    static final String WEBHOOK = "/stowage/mux/webhook-signing";
    static final ManualClock CLOCK = new ManualClock(Instant.now());
    static final ConcurrentLinkedQueue<byte[]> SENT = new ConcurrentLinkedQueue<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static MuxEmulator mux;
    static FakeSsm ssm;
    static int readsAtStart;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        mux = MuxEmulator.start(MuxEmulator.Options.of(0, (signature, body) -> SENT.add(body)));
        ssm = FakeSsm.start();
        Map<String, Object> p = new LinkedHashMap<>(TestStack.get().micronautProperties());
        p.keySet().removeIf(k -> k.startsWith("stowage.streaming.mux."));
        p.put("stowage.streaming.mux.base-url", mux.endpoint().toString());
        p.put("stowage.streaming.mux.token-parameter", TOKEN);
        p.put("stowage.streaming.mux.webhook-signing-parameter", WEBHOOK);
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
        mux.close();
    }

    @BeforeEach
    void whateverTheLastTestCachedHasRunOut() {
        CLOCK.advance(Duration.ofHours(1));
        healthy();
    }

    static void healthy() {
        ssm.up();
        ssm.answer(TOKEN, Answer.value(mux.tokenId() + ":" + mux.tokenSecret()));
        ssm.answer(WEBHOOK, Answer.value(mux.webhookSecret()));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    ApiGatewayClient.Reply create() {
        return api.call(alice, "POST", "/v1/streaming/uploads", "{\"profile\":\"stream\"}");
    }

    /** A created upload with its bytes sent, and the first webhook Mux sent about it. */
    record Uploaded(UUID assetId, String uploadId, byte[] webhook) {}

    Uploaded uploaded() throws Exception {
        var created = create();
        assertEquals(201, created.status(), created.body());
        UUID assetId = UUID.fromString(created.string("assetId"));
        String uploadId = column(assetId, "provider_upload_id");
        int status = HTTP.send(HttpRequest.newBuilder(URI.create(created.string("uploadUrl")))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(200, status);
        Eventually.await(Duration.ofSeconds(10), () -> SENT.stream().anyMatch(b -> about(b, uploadId)),
                "a webhook about " + uploadId);
        return new Uploaded(assetId, uploadId, SENT.stream().filter(b -> about(b, uploadId)).findFirst().get());
    }

    static boolean about(byte[] body, String id) {
        return new String(body, StandardCharsets.UTF_8).contains(id);
    }

    /** Delivers a webhook signed now (the manual clock's now) with {@code secret}, as Mux would. */
    static ApiGatewayClient.Reply deliver(byte[] body, String secret) {
        var event = api.event(null, "POST", "/v1/streaming/webhooks/mux", "", "application/json",
                new String(body, StandardCharsets.UTF_8), false);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("mux-signature", MuxEmulator.sign(secret, CLOCK.instant().getEpochSecond(), body));
        event.setHeaders(headers);
        return api.send(event);
    }

    static String column(UUID assetId, String column) {
        return query("SELECT " + column + " FROM provider_uploads WHERE asset_id = '" + assetId + "'");
    }

    static String query(String sql) {
        TestStack s = TestStack.get();
        try (var c = DriverManager.getConnection(s.jdbcUrl(), s.dbUser(), s.dbPassword());
             var st = c.createStatement(); var r = st.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long reads(String name) {
        return ssm.seen().stream().filter(s -> name.equals(s.body().get("Name"))).count();
    }

    static String header(ApiGatewayClient.Reply reply, String name) {
        return reply.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    // --- the tests ----------------------------------------------------------------------------------------------

    @Test
    void theTokenAndWebhookSecretAreReadFromSsmOnFirstUseAndACreateAndAWebhookUseThem() throws Exception {
        assertEquals(0, readsAtStart, "nothing is read while the function starts, eager as on Lambda");
        long tokenReads = reads(TOKEN);
        long webhookReads = reads(WEBHOOK);

        Uploaded u = uploaded(); // 201 only if Mux took the token read from SSM
        assertEquals(tokenReads + 1, reads(TOKEN), "the token is read once for the create");
        FakeSsm.Seen read = ssm.seen().stream().filter(s -> TOKEN.equals(s.body().get("Name"))).toList().getLast();
        assertEquals(Map.of("Name", TOKEN, "WithDecryption", true), read.body());
        assertEquals("AmazonSSM.GetParameter", read.target());

        var forged = deliver(u.webhook(), "not-the-ssm-secret");
        assertEquals(401, forged.status(), forged.body());
        assertEquals("uploading", column(u.assetId(), "state"));
        var applied = deliver(u.webhook(), mux.webhookSecret());
        assertEquals(200, applied.status(), applied.body());
        assertEquals(true, applied.map().get("changed"));
        assertEquals("processing", column(u.assetId(), "state"));
        assertEquals(webhookReads + 1, reads(WEBHOOK), "the webhook secret is read once, then the cache");

        assertEquals(201, create().status());
        assertEquals(tokenReads + 1, reads(TOKEN), "the second create uses the cached token");
    }

    @Test
    void whenSsmCannotGiveTheCredentialsCreateCancelAndWebhooksAnswer503WithRetryAfterAndChangeNothing()
            throws Exception {
        Uploaded u = uploaded();
        String rows = "SELECT count(*) FROM provider_uploads WHERE principal = '" + alice + "'";
        String before = query(rows);
        int muxCalls = mux.apiCalls();
        for (Runnable broken : List.<Runnable>of(
                () -> ssm.down(Answer.error(500, "InternalServerError")),
                () -> {
                    ssm.answer(TOKEN, Answer.error(400, "ParameterNotFound"));
                    ssm.answer(WEBHOOK, Answer.error(400, "ParameterNotFound"));
                },
                () -> {
                    ssm.answer(TOKEN, Answer.value("a-token-with-no-secret"));
                    ssm.answer(WEBHOOK, Answer.value("  "));
                })) {
            CLOCK.advance(Duration.ofHours(1));
            healthy();
            broken.run();
            for (var reply : List.of(create(), api.call(alice, "DELETE", "/v1/streaming/uploads/" + u.assetId(), null),
                    deliver(u.webhook(), mux.webhookSecret()))) {
                assertEquals(503, reply.status(), reply.body());
                assertEquals("provider_credentials_unavailable", reply.string("code"));
                assertEquals("5", header(reply, "Retry-After"));
                assertTrue(!reply.body().contains(mux.tokenSecret()) && !reply.body().contains(mux.webhookSecret()),
                        reply.body());
            }
            assertEquals(before, query(rows), "no create was started");
            assertEquals("uploading", column(u.assetId(), "state"), "neither cancelled nor moved by the webhook");
            assertEquals(muxCalls, mux.apiCalls(), "Mux was not called");
        }

        healthy();
        CLOCK.advance(Duration.ofSeconds(4));
        assertEquals(503, deliver(u.webhook(), mux.webhookSecret()).status(),
                "a failed read is kept for the Retry-After it announced");
        CLOCK.advance(Duration.ofSeconds(1));
        var retried = deliver(u.webhook(), mux.webhookSecret());
        assertEquals(200, retried.status(), retried.body());
        assertEquals("processing", column(u.assetId(), "state"), "Mux's retry of the webhook is applied");
    }

    @Test
    void noParameterAndNoValueIsNotConfiguredNotUnavailable() {
        var none = new MuxSettings("http://127.0.0.1:1", null, null, null, null, null, Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(5), 4096);
        JsonMapper json = function.getApplicationContext().getBean(JsonMapper.class);
        assertEquals(StreamingProvider.Availability.NOT_CONFIGURED, new MuxStreamingProvider(none,
                new MuxCredentials.FromConfiguration(none), json, CLOCK).availability());

        var named = new MuxSettings("http://127.0.0.1:1", "id-from-config", "secret-from-config", null,
                TOKEN, WEBHOOK, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 4096);
        var down = new ParameterMuxCredentials(named, () -> {
            throw new IllegalStateException("the token set in configuration wins: SSM is never asked for it");
        }, CLOCK);
        assertEquals(Optional.of(new MuxCredentials.Token("id-from-config", "secret-from-config")),
                down.token().orElseThrow());
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
