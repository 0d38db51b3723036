package dev.stowage.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stowage.testkit.TestStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V6 on a table V1 could have filled (V1-V5 are deployed): a {@code stored} row becomes {@code present}, an
 * expirable row gets the TTL it had, a persisted one loses its expiry, and the new checks then hold.
 */
class StagedFilesMigrationTest {

    @Test
    void v6CarriesV1RowsOverAndTheNewChecksHold() throws Exception {
        TestStack t = TestStack.get();
        String schema = "v6_" + Long.toHexString(System.nanoTime());
        Flyway five = Flyway.configure().dataSource(t.jdbcUrl(), t.dbUser(), t.dbPassword()).schemas(schema)
                .locations("classpath:db/migration").target("5").load();
        five.migrate();
        try (Connection c = t.connect();
             Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            s.execute("""
                    INSERT INTO staged_files (id, principal, checksum_sha256, name, byte_size, storage_key, state,
                                              persist, expires_at, created_at)
                    VALUES (gen_random_uuid(), 'p', 'a', 'a', 1, 'staged-files/a', 'stored', false,
                            now() + interval '10 minutes', now()),
                           (gen_random_uuid(), 'p', 'b', 'b', 1, 'staged-files/b', 'stored', true,
                            now() + interval '10 minutes', now()),
                           (gen_random_uuid(), 'p', 'c', 'c', 1, 'staged-files/c', 'pending', true, NULL, now())""");
        }
        Flyway.configure().dataSource(t.jdbcUrl(), t.dbUser(), t.dbPassword()).schemas(schema)
                .locations("classpath:db/migration").load().migrate();
        try (Connection c = t.connect();
             Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery("""
                    SELECT checksum_sha256, state, persist, ttl_seconds, expires_at IS NULL FROM staged_files
                     ORDER BY checksum_sha256""")) {
                while (r.next()) {
                    rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getBoolean(3) + " " + r.getString(4)
                            + " " + r.getBoolean(5));
                }
            }
            assertEquals(List.of("a present false 600 false", "b present true null true", "c pending true null true"),
                    rows);
            assertThrows(SQLException.class, () -> s.execute("UPDATE staged_files SET state = 'stored'"));
            assertThrows(SQLException.class, () -> s.execute("UPDATE staged_files SET ttl_seconds = NULL WHERE NOT persist"));
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
