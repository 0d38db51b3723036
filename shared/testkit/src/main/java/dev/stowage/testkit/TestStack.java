package dev.stowage.testkit;

import dev.stowage.localstack.LocalPostgres;
import dev.stowage.localstack.LocalS3Server;
import dev.stowage.localstack.front.S3EventFront;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One PostgreSQL database and one S3 bucket per test JVM, ready on the first {@link #get()}. In a Maven build
 * they live on servers shared by the build's test JVMs ({@link SharedStack}); elsewhere (an IDE) this JVM starts
 * its own servers and stops them at exit. {@code STOWAGE_DATABASE_URL} and {@code STOWAGE_S3_ENDPOINT} point it
 * at existing servers.
 *
 * <p>Tests reach the embedded S3 server through the same {@link S3EventFront} as the local launcher, so they
 * see S3's answers where s3proxy's own differ (a refusal before the body, idle timeouts, any part type);
 * its events are dropped here, since tests drive the event handler themselves.
 */
public final class TestStack {

    /** Bucket created in the embedded S3 server ({@code STOWAGE_S3_BUCKET} overrides it for an external one). */
    public static final String BUCKET = "stowage-test";

    private static final Object LOCK = new Object();
    private static volatile TestStack instance;
    // Remembered so every later test fails fast with the real cause instead of retrying a slow, broken start.
    private static RuntimeException startFailure;

    private final LocalPostgres postgres;
    private final LocalS3Server s3;
    private final S3EventFront front;

    private TestStack(LocalPostgres postgres, LocalS3Server s3, boolean ours) {
        this.postgres = postgres;
        this.s3 = s3;
        this.front = ours
                ? S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), event -> { })
                        .withRegion(s3.region()))
                : null;
    }

    /** The JVM's stack, starting it on first call; safe to call from any thread. */
    public static TestStack get() {
        TestStack stack = instance;
        if (stack != null) {
            return stack;
        }
        synchronized (LOCK) {
            if (instance == null) {
                if (startFailure != null) {
                    throw new IllegalStateException("TestStack failed to start earlier in this JVM", startFailure);
                }
                try {
                    instance = start();
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
            }
            return instance;
        }
    }

    private static TestStack start() {
        String shared = System.getProperty(SharedStack.PROPERTY, "");
        boolean external = System.getenv(LocalPostgres.ENV_URL) != null || System.getenv(LocalS3Server.ENV_ENDPOINT) != null;
        if (!shared.isBlank() && !external) {
            Optional<SharedStack.Servers> servers = SharedStack.attach(Path.of(shared));
            if (servers.isPresent()) {
                TestStack stack = new TestStack(servers.get().postgres(), servers.get().s3(), true);
                Runtime.getRuntime().addShutdownHook(
                        Thread.ofPlatform().name("stowage-teststack-stop").unstarted(stack::close));
                return stack;
            }
        }
        Future<LocalPostgres> pg;
        Future<LocalS3Server> s3;
        // Both servers take a second or two; starting them side by side halves the wait of the first test.
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            pg = executor.submit(LocalPostgres::ephemeral);
            s3 = executor.submit(() -> LocalS3Server.start(Optional.empty(), 0, BUCKET));
        } // close() waits for both tasks
        if (pg.state() == Future.State.SUCCESS && s3.state() == Future.State.SUCCESS) {
            TestStack stack = new TestStack(pg.resultNow(), s3.resultNow(), s3.resultNow().isEmbedded());
            Runtime.getRuntime().addShutdownHook(
                    Thread.ofPlatform().name("stowage-teststack-stop").unstarted(stack::close));
            return stack;
        }
        List<Throwable> causes = new ArrayList<>();
        for (Future<?> server : List.of(pg, s3)) {
            switch (server.state()) {
                case FAILED -> causes.add(server.exceptionNow());
                case SUCCESS -> { }
                default -> causes.add(new IllegalStateException("start was interrupted"));
            }
        }
        Throwable first = causes.getFirst();
        IllegalStateException failure = new IllegalStateException("TestStack could not start: " + first.getMessage(), first);
        causes.stream().skip(1).forEach(failure::addSuppressed);
        // Do not leave the half that did start running until JVM exit.
        for (Future<? extends AutoCloseable> server : List.of(pg, s3)) {
            if (server.state() == Future.State.SUCCESS) {
                closeQuietly(server.resultNow(), failure);
            }
        }
        throw failure;
    }

    private static void closeQuietly(AutoCloseable server, Exception failure) {
        try {
            server.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    private void close() {
        try (postgres; s3) {
            if (front != null) {
                front.close();
            }
        }
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    public String dbUser() {
        return postgres.username();
    }

    public String dbPassword() {
        return postgres.password();
    }

    /** A plain JDBC connection to this stack's database, outside any application context; the caller closes it. */
    public java.sql.Connection connect() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(jdbcUrl(), dbUser(), dbPassword());
    }

    public URI s3Endpoint() {
        return front != null ? front.endpoint() : s3.endpoint();
    }

    public String s3Region() {
        return s3.region();
    }

    public String s3AccessKey() {
        return s3.accessKey();
    }

    public String s3SecretKey() {
        return s3.secretKey();
    }

    public String bucket() {
        return s3.bucket();
    }

    /** A database and a bucket of their own on this stack's servers. */
    public record Isolated(LocalPostgres postgres, LocalS3Server s3) {}

    /**
     * A fresh database and bucket on the same servers, for a test that runs a whole local stack: it gets the
     * isolation of servers of its own without starting any.
     */
    public Isolated isolated() {
        SharedStack.Servers own = SharedStack.ownPart(new SharedStack.Servers(jdbcUrl(), dbUser(), dbPassword(),
                s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), s3.bucket()));
        return new Isolated(own.postgres(), own.s3());
    }

    /** The export signing secret every test context gets (tests of rotation set their own). */
    public static final String EXPORT_SECRET = "test-export-secret-0123456789abcdef0123456789";

    /** Micronaut configuration pointing at this stack. */
    public Map<String, Object> micronautProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("datasources.default.url", jdbcUrl());
        p.put("datasources.default.username", dbUser());
        p.put("datasources.default.password", dbPassword());
        p.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        p.put("datasources.default.dialect", "POSTGRES");
        // Functions run with one connection; Flyway's PostgreSQL lock and concurrent tests need more.
        p.put("datasources.default.maximum-pool-size", 8);
        p.put("flyway.datasources.default.enabled", true);
        p.put("stowage.storage.endpoint", s3Endpoint().toString());
        p.put("stowage.storage.region", s3Region());
        p.put("stowage.storage.access-key-id", s3AccessKey());
        p.put("stowage.storage.secret-access-key", s3SecretKey());
        p.put("stowage.storage.bucket", bucket());
        p.put("stowage.storage.path-style", true);
        // Variant work is held by RecordingWorkQueue: a test delivers it to the worker when it chooses.
        p.put("stowage.variants.queue", "recording");
        p.put("stowage.exports.secret", EXPORT_SECRET);
        return Collections.unmodifiableMap(p);
    }

    @Override
    public String toString() {
        return "TestStack[" + postgres + ", " + s3 + "]";
    }
}
