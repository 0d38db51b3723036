package dev.stowage.functions.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.lambda.snapstart.SyntheticRequest;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** StreamingFunction's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL. */
// Isolated: no other test class writes to this JVM's database meanwhile, so "nothing written" can count rows.
@Isolated
class SnapStartPrimingTest {
    private final DatabaseWatch database = DatabaseWatch.of(TestStack.get());
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-streaming");

    @Test
    void primingAnswersEveryRouteWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        // Never called: every synthetic request is answered before Mux would be.
        properties.put("stowage.streaming.mux.base-url", "http://127.0.0.1:9");
        properties.put("stowage.streaming.mux.token-id", "priming-token");
        properties.put("stowage.streaming.mux.token-secret", "priming-secret");
        properties.put("stowage.streaming.mux.webhook-secret", "priming-webhook-secret");
        try (StreamingFunction function = new StreamingFunction(ApplicationContext.run(properties))) {
            Map<String, Long> rowsBefore = database.rowCounts();

            function.priming().beforeCheckpoint(null); // throws if a synthetic request answers otherwise

            assertEquals(3, function.priming().answered().size(), String.valueOf(function.priming().answered()));
            assertEquals(0, database.awaitConnections(application.getValue(), 0),
                    "a connection of the function's is still open on the server");
            assertEquals(rowsBefore, database.rowCounts(), "priming wrote to the database");

            function.priming().afterRestore(null);

            var answer = new ApiGatewayClient(function).call("restored-" + UUID.randomUUID(), "DELETE", "/v1/streaming/uploads/" + SyntheticRequest.NO_SUCH_ID + "", "");
            assertEquals(404, answer.status(), answer.body());
        }
    }
}
