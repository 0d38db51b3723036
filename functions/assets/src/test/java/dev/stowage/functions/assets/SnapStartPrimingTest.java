package dev.stowage.functions.assets;

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

/** AssetsFunction's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL. */
// Isolated: no other test class writes to this JVM's database meanwhile, so "nothing written" can count rows.
@Isolated
class SnapStartPrimingTest {
    private final DatabaseWatch database = DatabaseWatch.of(TestStack.get());
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-assets");

    @Test
    void primingAnswersEveryRouteWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        try (AssetsFunction function = new AssetsFunction(ApplicationContext.run(properties))) {
            Map<String, Long> rowsBefore = database.rowCounts();

            function.priming().beforeCheckpoint(null); // throws if a synthetic request answers otherwise

            assertEquals(10, function.priming().answered().size(), String.valueOf(function.priming().answered()));
            assertEquals(0, database.awaitConnections(application.getValue(), 0),
                    "a connection of the function's is still open on the server");
            assertEquals(rowsBefore, database.rowCounts(), "priming wrote to the database");

            function.priming().afterRestore(null);

            var answer = new ApiGatewayClient(function).call("restored-" + UUID.randomUUID(), "GET", "/v1/assets/" + SyntheticRequest.NO_SUCH_ID + "", "");
            assertEquals(404, answer.status(), answer.body());
        }
    }
}
