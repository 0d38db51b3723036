package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.localstack.LocalPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
    private static final Path JAR = Path.of("target", "stowage-local.jar");
    private static final Duration START_WAIT = Duration.ofSeconds(120);
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);
    private static final Pattern API = Pattern.compile("API\\s+(http://\\S+)");
    private static final Pattern TOKEN = Pattern.compile("export STOWAGE_TOKEN=(\\S+)");
    private static final Pattern SESSION_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A running launcher: its process, what it printed, where its API is and the token it printed. */
    record Launched(Process process, List<String> output, URI api, String token) {}

    @Test
    void ctrlCAndSigtermStopTheWholeStackAndTheNextStartFindsItsData(@TempDir Path data) throws Exception {
        Launched first = launch(data);
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

        stop(first, "INT");
        assertGone(postgres, "PostgreSQL");
        assertGone(s3proxy, "s3proxy");
        assertFalse(Files.exists(data.resolve("postgres/postmaster.pid")), "PostgreSQL was not shut down cleanly");

        Launched second = launch(data);
        // The same secret, kept in the data directory, so the first token still works; the session survived.
        var kept = get(second.api().resolve("/v1/uploads/" + id.group(1)), first.token());
        assertEquals(200, kept.statusCode(), kept.body());
        // Another principal, minted by `./stowage token`, sees nothing of it.
        String bob = run("token", "--sub", "bob", "--data", data.toString()).strip();
        assertEquals(404, get(second.api().resolve("/v1/uploads/" + id.group(1)), bob).statusCode());
        long postgresAgain = pid(data.resolve("postgres/postmaster.pid"));

        stop(second, "TERM");
        assertGone(postgresAgain, "PostgreSQL");
    }

    @Test
    void helpListsEveryCommandAndBadOptionsAreRefused() throws Exception {
        String help = run("--help");
        assertTrue(help.contains("local") && help.contains("token") && help.contains("--sub"), help);
        Process bad = new ProcessBuilder(java(), "-jar", JAR.toString(), "token", "--ttl", "soon")
                .redirectErrorStream(true).start();
        String said = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), said);
        assertTrue(said.contains("--ttl"), said);
    }

    @Test
    void migrateAppliesTheSchemaToTheNamedDatabaseAndNothingElse() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.ephemeral()) {
            var command = new ProcessBuilder(java(), "-jar", JAR.toString(), "migrate").redirectErrorStream(true);
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

    private Launched launch(Path data) throws Exception {
        Process process = new ProcessBuilder(java(), "-jar", JAR.toString(), "local", "--port", "0",
                "--data", data.toString()).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> output = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        URI api = null;
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!process.isAlive()) {
                    break;
                }
                continue;
            }
            output.add(line);
            Matcher a = API.matcher(line);
            if (a.find()) {
                api = URI.create(a.group(1));
            }
            Matcher t = TOKEN.matcher(line);
            if (t.find() && api != null) {
                return new Launched(process, output, api, t.group(1));
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the launcher did not start; it printed:\n" + String.join("\n", output));
    }

    private static void stop(Launched launched, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(launched.process().pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertTrue(launched.process().waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS),
                "SIG" + signal + " did not stop the launcher within " + STOP_WAIT);
    }

    private static void assertGone(long pid, String what) throws Exception {
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
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
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
