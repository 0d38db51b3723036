package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.lambda.snapstart.SyntheticRequest;
import dev.stowage.lambda.wiring.CheckpointablePool;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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
    private final String application = "snapstart-test-" + UUID.randomUUID();

    @Test
    void primingAnswersEveryRouteWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        // Names this function's connections in pg_stat_activity. (The test stack's pool is larger than Lambda's
        // one connection: Flyway migrates the test database as the context starts, on two.)
        properties.put("datasources.default.data-source-properties.ApplicationName", application);
        try (UploadsFunction function = new UploadsFunction(ApplicationContext.run(properties))) {
            assertTrue(backends() >= 1, "the pool keeps connections open as the function starts");
            Map<String, Long> rowsBefore = rowCounts(); // after the start, which migrates the test database

            function.priming().beforeCheckpoint(null);

            assertEquals(List.of("POST /v1/uploads 422",
                    "POST /v1/uploads/" + SyntheticRequest.NO_SUCH_ID + "/url 404",
                    "POST /v1/uploads/" + SyntheticRequest.NO_SUCH_ID + "/parts/1/url 404",
                    "GET /v1/uploads/" + SyntheticRequest.NO_SUCH_ID + " 404",
                    "POST /v1/uploads/" + SyntheticRequest.NO_SUCH_ID + "/complete 404",
                    "DELETE /v1/uploads/" + SyntheticRequest.NO_SUCH_ID + " 404",
                    "POST /v1/uploads/proxied 422"), function.priming().answered());
            CheckpointablePool pool = function.getApplicationContext().getBean(DataSource.class)
                    .unwrap(CheckpointablePool.class);
            assertFalse(pool.isOpen(), "the pool is closed before the snapshot");
            assertEquals(0, awaitBackends(0), "a connection of the function's is still open on the server");
            assertEquals(rowsBefore, rowCounts(), "priming wrote to the database");

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
            assertTrue(backends() >= 1);
        }
    }

    @Test
    void aSecondCheckpointPrimesAndClosesAgain() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put("datasources.default.data-source-properties.ApplicationName", application);
        try (UploadsFunction function = new UploadsFunction(ApplicationContext.run(properties))) {
            function.priming().beforeCheckpoint(null);
            function.priming().afterRestore(null);
            function.priming().beforeCheckpoint(null);

            assertEquals(14, function.priming().answered().size());
            assertEquals(0, awaitBackends(0));
        }
    }

    /** This function's connections as the server sees them. */
    private long backends() throws SQLException {
        try (Connection c = observer();
             PreparedStatement s = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, application);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * The server's count once it is {@code expected}, or after 10 s. The client closes its sockets before the
     * hook returns; the server's backend notices and leaves pg_stat_activity a moment later, on its own time.
     */
    private long awaitBackends(long expected) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long seen = backends();
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            seen = backends();
        }
        return seen;
    }

    /** Rows in every table of the schema. */
    private static Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = observer()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = c.createStatement().executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
                    r.next();
                    counts.put(table, r.getLong(1));
                }
            }
        }
        assertFalse(counts.isEmpty(), "no tables in the test database");
        return counts;
    }

    private static Connection observer() throws SQLException {
        TestStack stack = TestStack.get();
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
    }
}
