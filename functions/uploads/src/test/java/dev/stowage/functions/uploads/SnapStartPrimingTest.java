package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.lambda.snapstart.SyntheticRequest;
import dev.stowage.lambda.wiring.CheckpointablePool;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The uploads function's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL:
 * priming answers every route, writes nothing and leaves no connection open; after the restore the function
 * answers real requests.
 */
// Isolated: no other test class writes to this JVM's database meanwhile, so "nothing written" can count rows.
@Isolated
class SnapStartPrimingTest {
    private static final String ID = SyntheticRequest.NO_SUCH_ID;
    private final DatabaseWatch database = DatabaseWatch.of(TestStack.get());
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-uploads");

    private UploadsFunction start() {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        // Names the function's connections in pg_stat_activity. (The test stack's pool is larger than Lambda's
        // one connection: Flyway migrates the test database as the context starts, on two.)
        properties.put(application.getKey(), application.getValue());
        return new UploadsFunction(ApplicationContext.run(properties));
    }

    @Test
    void primingAnswersEveryRouteWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        try (UploadsFunction function = start()) {
            assertTrue(database.connections(application.getValue()) >= 1, "the pool connects as the function starts");
            Map<String, Long> rowsBefore = database.rowCounts(); // after the start, which migrates the test database

            function.priming().beforeCheckpoint(null);

            assertEquals(List.of("POST /v1/uploads 422", "POST /v1/uploads/" + ID + "/url 404",
                    "POST /v1/uploads/" + ID + "/parts/1/url 404", "GET /v1/uploads/" + ID + " 404",
                    "POST /v1/uploads/" + ID + "/complete 404", "DELETE /v1/uploads/" + ID + " 404",
                    "POST /v1/uploads/proxied 422", "presign PUT", "probe image/jpeg 16x16"), function.priming().answered());
            CheckpointablePool pool = function.getApplicationContext().getBean(DataSource.class)
                    .unwrap(CheckpointablePool.class);
            assertFalse(pool.isOpen(), "the pool is closed before the snapshot");
            assertEquals(0, database.awaitConnections(application.getValue(), 0),
                    "a connection of the function's is still open on the server");
            assertEquals(rowsBefore, database.rowCounts(), "priming wrote to the database");

            function.priming().afterRestore(null);

            var api = new ApiGatewayClient(function);
            String caller = "restored-" + UUID.randomUUID();
            var created = api.call(caller, "POST", "/v1/uploads", """
                    {"profile":"image","filename":"after-restore.jpg","contentType":"image/jpeg","byteSize":1234,\
                    "strategy":"direct"}""");
            assertEquals(201, created.status(), created.body());
            var signed = api.call(caller, "POST", "/v1/uploads/" + created.string("id") + "/url", "");
            assertEquals(200, signed.status(), signed.body());
            assertTrue(signed.body().contains("X-Amz-Signature"), signed.body());
            assertTrue(pool.isOpen(), "the first request after the restore opens the pool again");
            assertTrue(database.connections(application.getValue()) >= 1);
        }
    }

    @Test
    void aSecondCheckpointPrimesAndClosesAgain() throws Exception {
        try (UploadsFunction function = start()) {
            function.priming().beforeCheckpoint(null);
            function.priming().afterRestore(null);
            function.priming().beforeCheckpoint(null);

            assertEquals(18, function.priming().answered().size()); // 9 a checkpoint
            assertEquals(0, database.awaitConnections(application.getValue(), 0));
        }
    }
}
