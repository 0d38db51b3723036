package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stowage.domain.Principal;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every API request leaves one structured access-log line that names it without naming the caller. */
@org.junit.jupiter.api.parallel.Isolated // it reads the access logger, which every other class writes to
class AccessLogTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final Logger access = (Logger) LoggerFactory.getLogger("stowage.access");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
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

    @BeforeEach
    void capture() {
        lines.start();
        access.setLevel(Level.INFO); // the tests' logback-test.xml keeps everything else at WARN
        access.addAppender(lines);
    }

    @AfterEach
    void release() {
        access.detachAppender(lines);
        access.setLevel(null);
    }

    @Test
    void aRequestIsLoggedWithItsIdCallerDigestSessionOutcomeAndDuration() {
        var event = api.event(alice, "POST", "/v1/uploads", null, "application/json", """
                {"profile":"image","filename":"a.jpg","contentType":"image/jpeg","byteSize":10}""", false);
        var created = api.send(event);
        assertEquals(201, created.status(), created.body());
        var get = api.event(alice, "GET", "/v1/uploads/" + created.string("id"), null, null, null, false);
        assertEquals(200, api.send(get).status());

        Map<String, String> initiate = fields(lines.list.get(0));
        assertEquals(event.getRequestContext().getRequestId(), initiate.get("requestId"));
        assertEquals("local", initiate.get("function")); // AWS_LAMBDA_FUNCTION_NAME on Lambda
        assertEquals(new Principal(alice).digest(), initiate.get("principal"));
        assertTrue(lines.list.stream().noneMatch(line -> line.getFormattedMessage().contains(alice)
                || fields(line).containsValue(alice)), "the caller's id never reaches the log");
        assertEquals("POST /v1/uploads", initiate.get("route"));
        assertEquals("201", initiate.get("status"));
        assertEquals("ok", initiate.get("outcome"));
        assertTrue(Long.parseLong(initiate.get("durationMs")) >= 0);

        Map<String, String> status = fields(lines.list.get(1));
        assertEquals("GET /v1/uploads/{id}", status.get("route"));
        assertEquals(created.string("id"), status.get("sessionId"));
    }

    @Test
    void aRefusalIsLoggedWithItsStableCode() {
        var refused = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"nope","filename":"a.jpg","contentType":"image/jpeg","byteSize":10}""");
        assertEquals(422, refused.status());
        assertEquals("unknown_profile", fields(lines.list.getLast()).get("outcome"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void onLambdaEachLineIsOneJsonObjectWithTheFieldsAsKeyValuePairs() throws Exception {
        api.call(alice, "GET", "/v1/uploads/" + UUID.randomUUID(), "");
        var encoder = new JsonEncoder();
        encoder.start();
        String json = new String(encoder.encode(lines.list.getLast()), StandardCharsets.UTF_8).strip();

        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
        Map<String, Object> line = function.getApplicationContext().getBean(JsonMapper.class).readValue(json, Map.class);
        Map<String, Object> fields = new HashMap<>();
        ((List<Map<String, Object>>) line.get("kvpList")).forEach(fields::putAll);
        assertEquals("upload_not_found", fields.get("outcome"), json);
        assertEquals("GET /v1/uploads/{id}", fields.get("route"), json);
        assertEquals("request", line.get("message"), json);
    }

    private static Map<String, String> fields(ILoggingEvent line) {
        return line.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)));
    }
}
