package dev.stowage.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedded PostgreSQL starts (also as root), answers JDBC, keeps data in a given directory. */
class LocalPostgresTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void ephemeralServerAnswersSelectOne() throws SQLException {
        long started = System.nanoTime();
        try (LocalPostgres pg = LocalPostgres.start(Optional.empty(), 0, NO_ENV)) {
            System.out.printf("PostgreSQL ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            assertTrue(pg.isEmbedded());
            try (Connection c = connect(pg); var rs = c.createStatement().executeQuery("select 1, current_database()")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertEquals(LocalPostgres.DATABASE, rs.getString(2));
            }
        }
    }

    @Test
    void dataSurvivesRestartOnSameDataDirectory(@TempDir Path dataDir) throws SQLException {
        try (LocalPostgres pg = LocalPostgres.start(Optional.of(dataDir), 0, NO_ENV);
             Connection c = connect(pg); var st = c.createStatement()) {
            st.execute("create table kept (v text)");
            st.execute("insert into kept values ('still here')");
        }
        try (LocalPostgres pg = LocalPostgres.start(Optional.of(dataDir), 0, NO_ENV);
             Connection c = connect(pg); var rs = c.createStatement().executeQuery("select v from kept")) {
            assertTrue(rs.next());
            assertEquals("still here", rs.getString(1));
        }
    }

    @Test
    void restartAfterLauncherWasKilledStopsTheOrphanedServer(@TempDir Path dataDir) throws Exception {
        Process holder = ServerHolder.start("postgres", dataDir);
        try {
            long orphanPid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
            holder.destroyForcibly().waitFor();
            assertTrue(isAlive(orphanPid), "SIGKILL of the JVM leaves the postmaster running");

            try (LocalPostgres pg = LocalPostgres.start(Optional.of(dataDir), 0, NO_ENV);
                 Connection c = connect(pg); var rs = c.createStatement().executeQuery("select v from kept")) {
                assertTrue(rs.next());
                assertEquals("written before the kill", rs.getString(1));
            }
            assertFalse(isAlive(orphanPid));
        } finally {
            holder.destroyForcibly();
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void externalUrlFromEnvironmentStartsNothing() {
        var env = Map.of(LocalPostgres.ENV_URL, "jdbc:postgresql://db.example:5432/app",
                LocalPostgres.ENV_USER, "app", LocalPostgres.ENV_PASSWORD, "secret");
        try (LocalPostgres pg = LocalPostgres.start(Optional.empty(), 0, env)) {
            assertFalse(pg.isEmbedded());
            assertEquals("jdbc:postgresql://db.example:5432/app", pg.jdbcUrl());
            assertEquals("app", pg.username());
            assertEquals("secret", pg.password());
        }
    }

    @Test
    void externalUrlMustBePostgres() {
        var env = Map.of(LocalPostgres.ENV_URL, "jdbc:h2:mem:x");
        assertThrows(IllegalArgumentException.class, () -> LocalPostgres.start(Optional.empty(), 0, env));
    }

    private static Connection connect(LocalPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }
}
