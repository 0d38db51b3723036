package dev.stowage.testkit;

import dev.stowage.localstack.LocalPostgres;
import dev.stowage.localstack.LocalS3Server;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One PostgreSQL and one s3proxy for every test JVM of one Maven build, instead of one pair per module: starting
 * them is a few CPU-seconds that a dozen test JVMs would otherwise each pay.
 *
 * <p>The first test JVM that needs them starts a <em>keeper</em> process ({@link #main}) that runs both servers
 * and stops them when the Maven process it serves exits. Test JVMs find it through a descriptor file in a
 * directory the build names (system property {@value #PROPERTY}); a file lock makes one JVM at a time start or
 * check it. Each test JVM gets its own database and its own bucket on those servers, so modules see nothing of
 * each other's rows or objects — as when each had its own servers.
 */
final class SharedStack {

    /** System property naming the directory of the build's keeper; the root pom sets it for every test JVM. */
    static final String PROPERTY = "stowage.teststack.shared";

    private static final String DESCRIPTOR = "stack.properties";
    private static final String LOCK = "stack.lock";
    private static final String LOG = "keeper.log";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** Where one test JVM's data lives on the shared servers. */
    record Servers(String jdbcUrl, String user, String password, URI s3Endpoint, String region, String accessKey,
                   String secretKey, String bucket) {

        LocalPostgres postgres() {
            return LocalPostgres.external(jdbcUrl, user, password);
        }

        LocalS3Server s3() {
            return LocalS3Server.external(s3Endpoint, region, accessKey, secretKey, bucket);
        }
    }

    private SharedStack() {
    }

    /**
     * A database and a bucket of their own for this JVM on the build's shared servers, starting the keeper if no
     * live one serves this build. Empty when this JVM cannot name its build process or hand its class path to a
     * keeper (then the caller starts servers of its own).
     */
    static Optional<Servers> attach(Path dir) {
        Optional<ProcessHandle> build = buildProcess();
        String classPath = System.getProperty("java.class.path", "");
        String ours = codeSource();
        if (build.isEmpty() || ours == null || !List.of(classPath.split(File.pathSeparator)).contains(ours)) {
            return Optional.empty();
        }
        Servers shared;
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                shared = live(dir, build.get().pid()).orElseGet(() -> startKeeper(dir, build.get(), classPath));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot use the shared test stack in " + dir, e);
        }
        return Optional.of(ownPart(shared));
    }

    /** The nearest ancestor that is a JVM: the Maven process whose surefire or failsafe forked this one. */
    private static Optional<ProcessHandle> buildProcess() {
        for (Optional<ProcessHandle> p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
            if (p.get().info().command().map(c -> c.endsWith("/java")).orElse(false)) {
                return p;
            }
        }
        return Optional.empty();
    }

    private static String codeSource() {
        try {
            return Path.of(SharedStack.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return null;
        }
    }

    /** The descriptor's servers, if a keeper serving this build process is alive. */
    private static Optional<Servers> live(Path dir, long buildPid) throws IOException {
        Path descriptor = dir.resolve(DESCRIPTOR);
        if (!Files.exists(descriptor)) {
            return Optional.empty();
        }
        Properties p = read(descriptor);
        boolean alive = ProcessHandle.of(Long.parseLong(p.getProperty("keeperPid", "-1")))
                .map(ProcessHandle::isAlive).orElse(false);
        if (!alive || Long.parseLong(p.getProperty("buildPid", "-1")) != buildPid) {
            return Optional.empty();
        }
        return Optional.of(servers(p));
    }

    private static Servers startKeeper(Path dir, ProcessHandle build, String classPath) {
        Path descriptor = dir.resolve(DESCRIPTOR);
        Path log = dir.resolve(LOG);
        Process keeper;
        try {
            Files.deleteIfExists(descriptor);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // Its output goes to a file, never to this JVM's pipes: surefire would otherwise wait for it to exit.
            keeper = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", classPath, SharedStack.class.getName(), dir.toString(), Long.toString(build.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the shared test stack's keeper", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(descriptor)) {
                    Properties p = read(descriptor);
                    if (Long.parseLong(p.getProperty("keeperPid", "-1")) == keeper.pid()) {
                        return servers(p);
                    }
                }
                if (!keeper.isAlive()) {
                    throw new IllegalStateException("The shared test stack's keeper exited with " + keeper.exitValue()
                            + ":\n" + Files.readString(log));
                }
                Thread.sleep(50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                keeper.destroy();
                throw new IllegalStateException("Interrupted while the shared test stack started", e);
            }
        }
        keeper.destroy();
        throw new IllegalStateException("The shared test stack did not start within " + START_TIMEOUT + "; see " + log);
    }

    /** A database and a bucket named for this JVM, created on the given servers. */
    static Servers ownPart(Servers shared) {
        String name = "t" + ProcessHandle.current().pid() + "x"
                + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password())) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " on the shared test stack", e);
        }
        String bucket = shared.s3().withNewBucket("stowage-test-" + name).bucket();
        String url = shared.jdbcUrl().substring(0, shared.jdbcUrl().lastIndexOf('/') + 1) + name;
        return new Servers(url, shared.user(), shared.password(), shared.s3Endpoint(), shared.region(),
                shared.accessKey(), shared.secretKey(), bucket);
    }

    private static Servers servers(Properties p) {
        return new Servers(p.getProperty("jdbcUrl"), p.getProperty("user"), p.getProperty("password"),
                URI.create(p.getProperty("s3Endpoint")), p.getProperty("region"), p.getProperty("accessKey"),
                p.getProperty("secretKey"), p.getProperty("bucket"));
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /**
     * The keeper: {@code SharedStack <dir> <build pid>}. Starts both servers, publishes them in the descriptor,
     * and stops them once the build process has exited (or this process is terminated).
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long buildPid = Long.parseLong(args[1]);
        Future<LocalPostgres> pg;
        Future<LocalS3Server> s3;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            pg = executor.submit(LocalPostgres::ephemeral);
            s3 = executor.submit(() -> LocalS3Server.start(Optional.empty(), 0, TestStack.BUCKET));
        }
        try (LocalPostgres postgres = pg.get(); LocalS3Server server = s3.get()) {
            Properties p = new Properties();
            p.setProperty("jdbcUrl", postgres.jdbcUrl());
            p.setProperty("user", postgres.username());
            p.setProperty("password", postgres.password());
            p.setProperty("s3Endpoint", server.endpoint().toString());
            p.setProperty("region", server.region());
            p.setProperty("accessKey", server.accessKey());
            p.setProperty("secretKey", server.secretKey());
            p.setProperty("bucket", server.bucket());
            p.setProperty("keeperPid", Long.toString(ProcessHandle.current().pid()));
            p.setProperty("buildPid", Long.toString(buildPid));
            Path tmp = dir.resolve(DESCRIPTOR + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "the shared test stack of build process " + buildPid);
            }
            Files.move(tmp, dir.resolve(DESCRIPTOR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("Shared test stack up: " + postgres + ", " + server + "; serving build process " + buildPid);
            // onExit() of a process that is not our child polls with a long back-off: the build would end
            // with the servers still up for a while.
            Optional<ProcessHandle> build = ProcessHandle.of(buildPid);
            while (build.isPresent() && build.get().isAlive()) {
                Thread.sleep(200);
            }
            Files.deleteIfExists(dir.resolve(DESCRIPTOR));
            System.out.println("Build process " + buildPid + " exited; stopping the shared test stack");
        }
        System.exit(0);
    }
}
