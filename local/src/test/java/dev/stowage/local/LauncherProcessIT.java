package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.localstack.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a user runs it: the packaged jar in its own process, stopped by a signal. Ctrl-C
 * (SIGINT) and SIGTERM stop it within seconds with PostgreSQL and s3proxy gone, and the data directory
 * serves the next start with what the last one stored.
 */
class LauncherProcessIT {
    private static final Pattern SESSION_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void ctrlCAndSigtermStopTheWholeStackAndTheNextStartFindsItsData(@TempDir Path data) throws Exception {
        LauncherProcess first = launch(data);
        assertEquals(200, get(first.api().resolve("/health"), null).statusCode());
        var created = http.send(HttpRequest.newBuilder(first.api().resolve("/v1/uploads"))
                .header("Authorization", "Bearer " + first.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"profile":"image","filename":"kept.jpg","contentType":"image/jpeg","byteSize":10}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        Matcher id = SESSION_ID.matcher(created.body());
        assertTrue(id.find(), created.body());
        long postgres = pid(data.resolve("postgres/postmaster.pid"));
        long s3proxy = pid(data.resolve("s3/s3proxy.pid"));

        first.stop("INT");
        assertGone(postgres, "PostgreSQL");
        assertGone(s3proxy, "s3proxy");
        assertFalse(Files.exists(data.resolve("postgres/postmaster.pid")), "PostgreSQL was not shut down cleanly");

        LauncherProcess second = launch(data);
        // The same secret, kept in the data directory, so the first token still works; the session survived.
        var kept = get(second.api().resolve("/v1/uploads/" + id.group(1)), first.token());
        assertEquals(200, kept.statusCode(), kept.body());
        // Another principal, minted by `./stowage token`, sees nothing of it.
        String bob = run("token", "--sub", "bob", "--data", data.toString()).strip();
        assertEquals(404, get(second.api().resolve("/v1/uploads/" + id.group(1)), bob).statusCode());
        long postgresAgain = pid(data.resolve("postgres/postmaster.pid"));

        second.stop("TERM");
        assertGone(postgresAgain, "PostgreSQL");
    }

    @Test
    void helpListsEveryCommandAndBadOptionsAreRefused() throws Exception {
        String help = run("--help");
        assertTrue(help.contains("local") && help.contains("token") && help.contains("--sub"), help);
        Process bad = new ProcessBuilder(LauncherProcess.command("token", "--ttl", "soon"))
                .redirectErrorStream(true).start();
        String said = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), said);
        assertTrue(said.contains("--ttl"), said);
    }

    @Test
    void theLocalStackRefusesADeploymentsDatabaseUnlessToldOtherwise() throws Exception {
        // Its purger would expire and delete, in that database, uploads whose objects it cannot see.
        var local = new ProcessBuilder(LauncherProcess.command("local", "--ephemeral")).redirectErrorStream(true);
        local.environment().put("STOWAGE_DATABASE_URL",
                "jdbc:postgresql://stowage-db.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/stowage?sslmode=verify-full");
        Process refused = local.start();
        String said = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), said);
        assertTrue(said.contains("another machine") && said.contains("./stowage migrate")
                && said.contains("--allow-remote-database"), said);
    }

    @Test
    void migrateAppliesTheSchemaToTheNamedDatabaseAndNothingElse() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.ephemeral()) {
            var command = new ProcessBuilder(LauncherProcess.command("migrate")).redirectErrorStream(true);
            command.environment().put("STOWAGE_DATABASE_URL", postgres.jdbcUrl());
            command.environment().put("STOWAGE_DATABASE_USER", postgres.username());
            command.environment().put("STOWAGE_DATABASE_PASSWORD", postgres.password());
            Process first = command.start();
            String said = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), said);
            assertTrue(said.matches("(?s).*[1-9]\\d* migration\\(s\\) applied.*"), said);
            try (var connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                 var tables = connection.createStatement().executeQuery(
                         "SELECT count(*) FROM information_schema.tables WHERE table_name = 'upload_sessions'")) {
                assertTrue(tables.next());
                assertEquals(1, tables.getInt(1));
            }
            Process again = command.start();
            String saidAgain = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
            assertTrue(saidAgain.contains("0 migration(s) applied"), saidAgain);
        }
    }

    private static LauncherProcess launch(Path data) throws Exception {
        return LauncherProcess.start(Path.of("").toAbsolutePath(), "local", "--port", "0", "--data", data.toString());
    }

    private static void assertGone(long pid, String what) throws Exception {
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(LauncherProcess.STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), what + " (pid " + pid + ") still runs");
    }

    private static long pid(Path file) throws IOException {
        return Long.parseLong(Files.readAllLines(file).getFirst().strip());
    }

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        var request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String run(String... args) throws Exception {
        Process process = new ProcessBuilder(LauncherProcess.command(args)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
