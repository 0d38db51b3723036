package dev.stowage.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test database seen from outside the code under test, on a connection of its own: how many connections an
 * application (by {@code ApplicationName}) holds, how many rows every table has (for SnapStart's hook tests:
 * priming must leave no connection open and write nothing), and whether a statement is waiting on a lock.
 */
public final class DatabaseWatch {
    private final TestStack stack;

    private DatabaseWatch(TestStack stack) {
        this.stack = stack;
    }

    public static DatabaseWatch of(TestStack stack) {
        return new DatabaseWatch(stack);
    }

    /** A fresh application name, and the Micronaut property that makes a context's pool use it. */
    public static Map.Entry<String, String> applicationName(String prefix) {
        return Map.entry("datasources.default.data-source-properties.ApplicationName", prefix + "-" + UUID.randomUUID());
    }

    /** The connections the server has from {@code applicationName}. */
    public long connections(String applicationName) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, applicationName);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * The server's count once it is {@code expected}, or after 10 s. A client closes its sockets at once; the
     * server's backend notices and leaves pg_stat_activity a moment later, on its own time.
     */
    public long awaitConnections(String applicationName, long expected) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long seen = connections(applicationName);
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            seen = connections(applicationName);
        }
        return seen;
    }

    /** Rows in every table of the schema, by table. */
    public Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = connect()) {
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
        if (counts.isEmpty()) {
            throw new IllegalStateException("no tables in the test database: is it migrated?");
        }
        return counts;
    }

    /**
     * Returns once another session waits on a lock while running a statement that starts with {@code statement}:
     * a race held open by a test's own transaction has reached the point it tests. Fails after 30 s.
     */
    public void awaitBlockedOn(String statement) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = connect();
             PreparedStatement blocked = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?")) {
            blocked.setString(1, statement.replace("%", "\\%").replace("_", "\\_") + "%");
            while (true) {
                try (ResultSet r = blocked.executeQuery()) {
                    r.next();
                    if (r.getLong(1) > 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nobody blocked on " + statement + " within 30 s");
                }
                Thread.onSpinWait();
            }
        }
    }

    private Connection connect() throws SQLException {
        return stack.connect();
    }
}
