package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged launcher jar in its own process, as {@code ./stowage local} runs it (without {@code ./stowage}'s
 * rebuild check): started, read for the API URL and token it prints, and stopped by a signal.
 */
final class LauncherProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "stowage-local.jar").toAbsolutePath();
    static final Duration START_WAIT = Duration.ofSeconds(120);
    static final Duration STOP_WAIT = Duration.ofSeconds(15);
    private static final Pattern API = Pattern.compile("API\\s+(http://\\S+)");
    private static final Pattern TOKEN = Pattern.compile("export STOWAGE_TOKEN=(\\S+)");

    private final Process process;
    private final List<String> output;
    private final URI api;
    private final String token;

    private LauncherProcess(Process process, List<String> output, URI api, String token) {
        this.process = process;
        this.output = output;
        this.api = api;
        this.token = token;
    }

    /** {@code java -jar stowage-local.jar <args>} in {@code workDir}, once it has printed its API URL and token. */
    static LauncherProcess start(Path workDir, String... args) throws Exception {
        Process process = new ProcessBuilder(command(args)).directory(workDir.toFile()).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> output = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    synchronized (output) {
                        output.add(line);
                    }
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
            Matcher a = API.matcher(line);
            if (a.find()) {
                api = URI.create(a.group(1));
            }
            Matcher t = TOKEN.matcher(line);
            if (t.find() && api != null) {
                return new LauncherProcess(process, output, api, t.group(1));
            }
        }
        process.destroyForcibly();
        synchronized (output) {
            throw new AssertionError("the launcher did not start; it printed:\n" + String.join("\n", output));
        }
    }

    /**
     * {@code java -jar <absolute path of the jar> <args>}, on the JDK running the tests, with SIGINT and
     * SIGTERM at their defaults, as in a terminal. A process started in the background of a shell without
     * job control (a CI runner, nohup) inherits SIGINT ignored, and a JVM cannot catch an ignored signal,
     * so Ctrl-C could not be tested there otherwise ({@code env --default-signal}: GNU coreutils 8.31+).
     */
    static List<String> command(String... args) {
        // C1 and the serial collector, as the test JVMs run: these launchers live for seconds, and C2's and G1's
        // threads were most of what they cost the suite's two cores. What they test does not depend on either.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,TERM", java(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    URI api() {
        return api;
    }

    String token() {
        return token;
    }

    /** Everything the launcher has printed so far. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** Sends {@code kill -<signal>} and asserts that the launcher ends within {@link #STOP_WAIT}. */
    void stop(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            // Ask the JVM for a thread dump (it prints to stdout), so the failure shows what it waits on.
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
            process.waitFor(2, TimeUnit.SECONDS);
            throw new AssertionError("SIG" + signal + " did not stop the launcher within " + STOP_WAIT
                    + "; it printed:\n" + output());
        }
    }

    /** After a failed test: SIGTERM so PostgreSQL and s3proxy go with it, and force only if that does not do. */
    @Override
    public void close() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
