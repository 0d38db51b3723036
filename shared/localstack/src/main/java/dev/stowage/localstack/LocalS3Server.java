package dev.stowage.localstack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An S3-compatible server for the local launcher and tests: s3proxy (filesystem backend, SigV2/V4 checked)
 * in a child JVM, or an existing endpoint named by {@code STOWAGE_S3_ENDPOINT}.
 *
 * <p>Layout of the base directory: {@code buckets/<bucket>/<key>} (s3proxy's filesystem backend), plus
 * {@value #CONFIG_FILE}, {@value #LOG_FILE} and {@value #PID_FILE} beside it. They must stay out of the blob
 * root: s3proxy lists every entry there, files included, as a bucket.
 *
 * <p>Asked for any free port, the child binds port 0 itself and its own log names the port it got, so no
 * other process can take the port between choosing and binding it. It is ready once that port answers a
 * request signed with this server's credentials for this server's bucket.
 */
public final class LocalS3Server implements AutoCloseable {

    public static final String DEFAULT_BUCKET = "stowage-media";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCESS_KEY = "stowage-local";
    public static final String DEFAULT_SECRET_KEY = "stowage-local-secret";
    public static final String ENV_ENDPOINT = "STOWAGE_S3_ENDPOINT";
    public static final String ENV_ACCESS_KEY = "STOWAGE_S3_ACCESS_KEY";
    public static final String ENV_SECRET_KEY = "STOWAGE_S3_SECRET_KEY";
    public static final String ENV_BUCKET = "STOWAGE_S3_BUCKET";
    public static final String ENV_REGION = "STOWAGE_S3_REGION";

    private static final Logger LOG = LoggerFactory.getLogger(LocalS3Server.class);
    static final String CONFIG_FILE = "s3proxy.properties";
    static final String LOG_FILE = "s3proxy.log";
    static final String BUCKETS_DIR = "buckets";
    static final String PID_FILE = "s3proxy.pid";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final java.util.regex.Pattern STARTED_CONNECTOR =
            java.util.regex.Pattern.compile("Started \\S*ServerConnector@\\S*\\{[^}]*}\\{[^}]*:(\\d+)}");

    private final URI endpoint;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private final Child child;

    private LocalS3Server(URI endpoint, String region, String accessKey, String secretKey, String bucket,
                          Child child) {
        this.endpoint = endpoint;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.bucket = bucket;
        this.child = child;
    }

    /**
     * Uses the endpoint named by {@code STOWAGE_S3_ENDPOINT} if set, otherwise starts s3proxy.
     *
     * @param baseDir where objects ({@code buckets/<bucket>/<key>}), configuration and log are kept across
     *                restarts; empty for a temporary directory deleted on close
     * @param port    port to listen on (127.0.0.1), 0 for a free one
     * @param bucket  bucket to create (as a directory) before start, unless it exists
     */
    public static LocalS3Server start(Optional<Path> baseDir, int port, String bucket) {
        return start(baseDir, port, bucket, System.getenv());
    }

    /** A throw-away server with {@link #DEFAULT_BUCKET} (or the endpoint named by {@code STOWAGE_S3_ENDPOINT}). */
    public static LocalS3Server ephemeral() {
        return start(Optional.empty(), 0, DEFAULT_BUCKET);
    }

    /** A server someone else runs; nothing is started and {@link #close()} does nothing. */
    public static LocalS3Server external(URI endpoint, String region, String accessKey, String secretKey,
                                         String bucket) {
        return new LocalS3Server(endpoint, region, accessKey, secretKey, bucket, null);
    }

    /** The same server, holding another bucket, created now (S3's CreateBucket with this server's credentials). */
    public LocalS3Server withNewBucket(String name) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> created = http.send(SignedProbe.createBucket(endpoint, name, accessKey, secretKey),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 200) {
                throw new IllegalStateException("CreateBucket " + name + " at " + endpoint + " answered "
                        + created.statusCode() + ": " + created.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CreateBucket " + name + " at " + endpoint + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating bucket " + name, e);
        }
        return external(endpoint, region, accessKey, secretKey, name);
    }

    static LocalS3Server start(Optional<Path> baseDir, int port, String bucket, Map<String, String> env) {
        String external = env.get(ENV_ENDPOINT);
        if (external != null && !external.isBlank()) {
            // Defaults match the embedded server, so pointing at another developer's `stowage local` just works.
            return external(URI.create(external), env.getOrDefault(ENV_REGION, DEFAULT_REGION),
                    env.getOrDefault(ENV_ACCESS_KEY, DEFAULT_ACCESS_KEY),
                    env.getOrDefault(ENV_SECRET_KEY, DEFAULT_SECRET_KEY),
                    env.getOrDefault(ENV_BUCKET, bucket));
        }
        return embedded(baseDir, port, bucket, S3ProxyJar.locate(env));
    }

    private static LocalS3Server embedded(Optional<Path> baseDir, int requestedPort, String bucket, Path s3proxyJar) {
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("Not a valid S3 bucket name: " + bucket);
        }
        Path dir;
        try {
            dir = baseDir.isPresent() ? Files.createDirectories(baseDir.get()) : Files.createTempDirectory("stowage-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the S3 base directory", e);
        }
        boolean temporary = baseDir.isEmpty();
        try {
            Files.createDirectories(dir.resolve(BUCKETS_DIR).resolve(bucket));
            stopOrphanedChild(dir);
            int port = requestedPort == 0 ? 0 : requirePortFree(requestedPort);
            Path config = writeConfig(dir, URI.create("http://127.0.0.1:" + port));
            Child child = Child.launch(s3proxyJar, config, dir.resolve(LOG_FILE), temporary ? dir : null);
            URI endpoint = child.awaitReady(port, bucket);
            return new LocalS3Server(endpoint, DEFAULT_REGION, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, bucket, child);
        } catch (IOException e) {
            if (temporary) {
                deleteRecursively(dir);
            }
            throw new UncheckedIOException("s3proxy could not be prepared in " + dir, e);
        } catch (RuntimeException e) {
            if (temporary) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    /** A launcher killed with SIGKILL leaves s3proxy running on the base directory; stop it before starting anew. */
    private static void stopOrphanedChild(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        String config = dir.resolve(CONFIG_FILE).toString();
        Optional<ProcessHandle> orphan = Optional.of(Files.readString(pidFile).strip())
                .filter(text -> text.matches("\\d+")).map(Long::parseLong)
                .flatMap(ProcessHandle::of)
                // The pid may have been recycled; only an s3proxy started on this very configuration is ours.
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(config)).orElse(false));
        if (orphan.isPresent()) {
            LOG.warn("Stopping orphaned s3proxy (pid {}) left running on {}", orphan.get().pid(), dir);
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                orphan.get().destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping an orphaned s3proxy", e);
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static Path writeConfig(Path dir, URI endpoint) throws IOException {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint.toString());
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", DEFAULT_ACCESS_KEY);
        p.setProperty("s3proxy.credential", DEFAULT_SECRET_KEY);
        // Browsers PUT straight to presigned URLs from the web app's origin.
        p.setProperty("s3proxy.cors-allow-all", "true");
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.filesystem.basedir", dir.resolve(BUCKETS_DIR).toAbsolutePath().toString());
        Path file = dir.resolve(CONFIG_FILE);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "Written by dev.stowage.localstack.LocalS3Server on every start");
        }
        return file;
    }

    // Otherwise another server on that port would answer the readiness poll while our child dies.
    private static int requirePortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on 127.0.0.1 is in use; cannot start s3proxy there", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Leaving a temp directory behind must not fail a test run or the launcher's shutdown.
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return region;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String bucket() {
        return bucket;
    }

    /** True when this process started s3proxy (false for {@code STOWAGE_S3_ENDPOINT}). */
    public boolean isEmbedded() {
        return child != null;
    }

    /** s3proxy's captured stdout/stderr; empty for an external endpoint. */
    public Optional<Path> logFile() {
        return Optional.ofNullable(child).map(Child::log);
    }

    /** Stops s3proxy and deletes a temporary base directory; idempotent and thread-safe. */
    @Override
    public void close() {
        if (child != null) {
            child.stop(true);
        }
    }

    @Override
    public String toString() {
        return "LocalS3Server[" + endpoint + ", bucket " + bucket + (isEmbedded() ? ", embedded" : ", external") + "]";
    }

    /**
     * A CDS archive of s3proxy's classes, which halves its start-up (1.2 s to 0.65 s here): a build starts it a
     * dozen times, and the launcher on every start. The first child with none writes one at exit to a file of its
     * own, moved into place only once that child has exited cleanly, so no child ever maps a half-written archive;
     * later children map it read-only (kept in {@code ~/.cache/stowage/cds}). Keyed by the jar and the JDK, since an archive serves only the exact pair
     * (a mismatched one is ignored by the JVM, never fatal).
     */
    record ClassArchive(Path archive, Optional<Path> writing) {
        private static final ClassArchive NONE = new ClassArchive(null, Optional.empty());

        /**
         * In the user's own cache directory, never a shared temporary one: a JVM maps an archive as its classes,
         * so another user must not be able to put one there. No usable directory, no archive.
         */
        static ClassArchive of(Path jar) {
            try {
                Path dir = Files.createDirectories(Path.of(System.getProperty("user.home"), ".cache", "stowage", "cds"));
                String name = jar.getFileName() + "-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis()
                        + "-java" + Runtime.version().toString().replaceAll("[^A-Za-z0-9.+-]", "_") + ".jsa";
                Path archive = dir.resolve(name);
                return Files.isRegularFile(archive) ? new ClassArchive(archive, Optional.empty())
                        : new ClassArchive(archive, Optional.of(dir.resolve(name + "." + ProcessHandle.current().pid()
                                + "." + System.nanoTime() + ".tmp")));
            } catch (IOException | RuntimeException e) {
                return NONE;
            }
        }

        List<String> options() {
            if (archive == null) {
                return List.of();
            }
            return writing.map(tmp -> List.of("-XX:ArchiveClassesAtExit=" + tmp))
                    .orElseGet(() -> List.of("-XX:SharedArchiveFile=" + archive));
        }

        void settle(boolean exitedCleanly) {
            if (writing.isEmpty()) {
                return;
            }
            try {
                if (exitedCleanly && Files.size(writing.get()) > 0 && !Files.exists(archive)) {
                    Files.move(writing.get(), archive, StandardCopyOption.ATOMIC_MOVE);
                    // The JVM accepts an archive only for the exact jar file (size and time): one of an earlier
                    // copy of the jar (a rebuilt tree) is dead weight, 25 MB each.
                    String jar = archive.getFileName().toString();
                    String prefix = jar.substring(0, jar.indexOf('-') + 1);
                    try (Stream<Path> siblings = Files.list(archive.getParent())) {
                        for (Path old : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)
                                && p.getFileName().toString().endsWith(".jsa") && !p.equals(archive)).toList()) {
                            Files.deleteIfExists(old);
                        }
                    }
                }
            } catch (IOException e) {
                // Not written, or another child's archive won the race: this one is simply not kept.
            }
            try {
                Files.deleteIfExists(writing.get());
            } catch (IOException e) {
                // A stray temporary file in the temporary directory.
            }
        }
    }

    /** The s3proxy child process, stopped on close or at JVM exit, whichever comes first. */
    private static final class Child {
        private final Process process;
        private final Path log;
        private final Path ownedDir;
        private final ClassArchive archive;
        private final Thread shutdownHook;
        private boolean stopped;

        private Child(Process process, Path log, Path ownedDir, ClassArchive archive) {
            this.process = process;
            this.log = log;
            this.ownedDir = ownedDir;
            this.archive = archive;
            this.shutdownHook = Thread.ofPlatform().name("stowage-s3proxy-stop").unstarted(() -> stop(false));
        }

        static Child launch(Path jar, Path config, Path log, Path ownedDir) throws IOException {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            // C1 only and the serial GC halve s3proxy's start-up on small machines; it never runs long enough to
            // profit from C2.
            List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC"));
            ClassArchive archive = ClassArchive.of(jar);
            command.addAll(archive.options());
            command.addAll(List.of("-jar", jar.toString(), "--properties", config.toString()));
            ProcessBuilder builder = new ProcessBuilder(command);
            // The readiness check reads the port from Jetty's start-up line: keep it logged, to stdout.
            builder.environment().put("JETTY_LOG_LEVEL", "info");
            builder.environment().put("LOG_APPENDER", "STDOUT");
            Process process = builder
                    .redirectErrorStream(true)
                    // Truncated per start, so a start-up failure reports this run's output only.
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            Child child = new Child(process, log, ownedDir, archive);
            Runtime.getRuntime().addShutdownHook(child.shutdownHook);
            try {
                Files.writeString(config.resolveSibling(PID_FILE), Long.toString(process.pid()));
            } catch (IOException e) {
                child.stop(true);
                throw e;
            }
            return child;
        }

        Path log() {
            return log;
        }

        /**
         * Waits until the child's own log names the port its connector bound (so the port is certainly this
         * child's, whatever else runs on the machine), then until that port answers a request signed with our
         * credentials for our bucket. Answers the endpoint.
         */
        URI awaitReady(int requestedPort, String bucket) {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
                long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
                int port = waitFor(deadline, "log the port it listens on", () -> boundPort(requestedPort));
                URI endpoint = URI.create("http://127.0.0.1:" + port);
                waitFor(deadline, "answer at " + endpoint, () -> servesBucket(http, endpoint, bucket));
                return endpoint;
            }
        }

        /** The port in Jetty's "Started ServerConnector@…{HTTP/1.1, …}{127.0.0.1:PORT}" line, once logged. */
        private Optional<Integer> boundPort(int requestedPort) {
            String output = output();
            if (output.contains("BindException") || output.contains("Address already in use")) {
                throw failure("s3proxy could not bind port " + requestedPort + " on 127.0.0.1", output);
            }
            java.util.regex.Matcher m = STARTED_CONNECTOR.matcher(output);
            if (!m.find()) {
                return Optional.empty();
            }
            int port = Integer.parseInt(m.group(1));
            if (requestedPort != 0 && port != requestedPort) {
                throw failure("s3proxy bound port " + port + ", not " + requestedPort, output);
            }
            return Optional.of(port);
        }

        /** True once the bucket answers 200 to a signed HEAD; a refusal means a server that is not ours. */
        private Optional<Boolean> servesBucket(HttpClient http, URI endpoint, String bucket) {
            HttpRequest head = SignedProbe.headBucket(endpoint, bucket, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
            try {
                int status = http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return Optional.of(true);
                }
                throw failure("the server at " + endpoint + " answered " + status + " to a signed HEAD of bucket "
                        + bucket + ": it is not the s3proxy this process started", output());
            } catch (ConnectException e) {
                return Optional.empty(); // not listening yet
            } catch (IOException e) {
                return Optional.empty(); // listening but not yet answering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("Interrupted while waiting for s3proxy", output());
            }
        }

        private <T> T waitFor(long deadline, String what, java.util.function.Supplier<Optional<T>> check) {
            while (true) {
                if (!process.isAlive()) {
                    throw failure("s3proxy exited with code " + process.exitValue() + " before becoming ready",
                            output());
                }
                Optional<T> value = check.get();
                if (value.isPresent()) {
                    return value.get();
                }
                if (System.nanoTime() > deadline) {
                    throw failure("s3proxy did not " + what + " within " + READY_TIMEOUT.toSeconds() + " s", output());
                }
                try {
                    Thread.sleep(POLL_INTERVAL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("Interrupted while waiting for s3proxy", output());
                }
            }
        }

        private IllegalStateException failure(String message, String output) {
            stop(true);
            return new IllegalStateException(message + ". Output:\n" + output);
        }

        private String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        synchronized void stop(boolean removeHook) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (removeHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // The JVM is already shutting down; the hook is running or will find us stopped.
                }
            }
            process.destroy();
            boolean exited = false;
            try {
                exited = process.waitFor(10, TimeUnit.SECONDS);
                if (!exited) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            // A child that ran its shutdown wrote its class archive whole; one that was killed did not.
            archive.settle(exited);
            try {
                Files.deleteIfExists(log.resolveSibling(PID_FILE));
            } catch (IOException e) {
                // Harmless: the next start finds no live process under that pid and deletes the file.
            }
            if (ownedDir != null) {
                deleteRecursively(ownedDir);
            }
        }
    }
}
