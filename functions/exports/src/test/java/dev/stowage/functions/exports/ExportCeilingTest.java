package dev.stowage.functions.exports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The size boundaries with a small ceiling: inline content too large for a row (or for a Lambda answer)
 * goes to the bucket instead of being refused; only the configured ceiling is {@code too_large}, and a
 * refused export leaves no row, no object and no open upload.
 */
class ExportCeilingTest {
    static final int CEILING = 6 * 1024 * 1024;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String erin = "erin-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        var properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("stowage.exports.max-bytes", String.valueOf(CEILING));
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(properties));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static String body(String content) {
        return "{\"filename\":\"big.csv\",\"format\":\"csv\",\"contentType\":\"text/csv\",\"content\":\"" + content + "\"}";
    }

    @Test
    void inlineContentAboveWhatALambdaAnswerCarriesIsServedFromTheBucket() throws Exception {
        String content = "a,b\n".repeat(1_200_000); // 4.8 MB: under Cyclium's 5 MB, over a 6 MB base64 answer
        var created = api.call(erin, "POST", "/v1/exports", body(content.replace("\n", "\\n")));
        assertEquals(201, created.status(), created.body());
        assertEquals("bucket", created.string("storedIn"));
        var event = api.event(null, "GET", "/v1/exports/" + created.string("id") + "/download",
                created.string("downloadUrl").substring(created.string("downloadUrl").indexOf('?') + 1),
                "application/json", "", false);
        var answer = function.handleRequest(event, null);
        assertEquals(303, answer.getStatusCode());
        var fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                answer.getHeaders().get("Location"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), fetched.body());
    }

    @Test
    void anExportOverTheCeilingIsTooLargeAndLeavesNothingBehind() {
        var refused = api.call(erin + "-x", "POST", "/v1/exports", body("x".repeat(CEILING + 1)));
        assertEquals(413, refused.status(), refused.body());
        assertEquals("too_large", refused.string("code"));
        assertEquals(List.of(), api.call(erin + "-x", "GET", "/v1/exports", "").map().get("exports"),
                "no row, not even a pending one");
        // Every upload open under exports/ belongs to a recorded export (another test's, writing now): the
        // refused one's row is gone, so its upload must be too.
        var exports = function.getApplicationContext().getBean(dev.stowage.domain.port.Exports.class);
        var open = function.getApplicationContext().getBean(MultipartStore.class).listUploads("exports/", 1000);
        assertTrue(open.stream().allMatch(u -> exports.find(UUID.fromString(u.key().substring("exports/".length())))
                .isPresent()), "an upload no export owns: " + open);
    }
}
