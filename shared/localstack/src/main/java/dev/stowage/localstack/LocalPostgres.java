package dev.stowage.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A PostgreSQL server for the local launcher and tests: embedded (zonky), or an existing server named by
 * {@code STOWAGE_DATABASE_URL}.
 *
 * <p>The embedded server is reached as user {@code postgres} with trust authentication (any password is
 * accepted) and holds the application's data in a database named {@value #DATABASE}, created on first start,
 * so the {@code postgres} maintenance database stays free for tools.
 */
public final class LocalPostgres implements AutoCloseable {

    /** Name of the database created in the embedded server. */
    public static final String DATABASE = "stowage";
    public static final String ENV_URL = "STOWAGE_DATABASE_URL";
    public static final String ENV_USER = "STOWAGE_DATABASE_USER";
    public static final String ENV_PASSWORD = "STOWAGE_DATABASE_PASSWORD";

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    private static final String ZONKY_LOCK = "epg-lock";
    private static final String EMBEDDED_USER = "postgres";
    // Trust authentication ignores it; a non-empty value keeps configuration binders from treating it as unset.
    private static final String EMBEDDED_PASSWORD = "postgres";

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final EmbeddedPostgres embedded;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalPostgres(String jdbcUrl, String username, String password, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
    }

    /**
     * Uses the server named by {@code STOWAGE_DATABASE_URL} if set, otherwise starts an embedded one.
     *
     * @param dataDir where the embedded server keeps its data across restarts; empty for a throw-away
     *                temporary directory
     * @param port    port for the embedded server, 0 for a free one
     */
    public static LocalPostgres start(Optional<Path> dataDir, int port) {
        return start(dataDir, port, System.getenv());
    }

    /** A throw-away server for tests (or the one named by {@code STOWAGE_DATABASE_URL}). */
    public static LocalPostgres ephemeral() {
        return start(Optional.empty(), 0);
    }

    static LocalPostgres start(Optional<Path> dataDir, int port, Map<String, String> env) {
        String url = env.get(ENV_URL);
        if (url != null && !url.isBlank()) {
            return external(url, env.getOrDefault(ENV_USER, ""), env.getOrDefault(ENV_PASSWORD, ""));
        }
        return embedded(dataDir, port);
    }

    /** An existing server; nothing is started and {@link #close()} does nothing. */
    public static LocalPostgres external(String jdbcUrl, String username, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(ENV_URL + " must be a jdbc:postgresql: URL, got " + jdbcUrl);
        }
        return new LocalPostgres(jdbcUrl, username, password, null);
    }

    private static LocalPostgres embedded(Optional<Path> dataDir, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // Micronaut test contexts each open a Hikari pool; one server serves a whole test JVM.
                    .setServerConfig("max_connections", "300");
            if (dataDir.isPresent()) {
                Files.createDirectories(dataDir.get());
                stopOrphanedServer(dataDir.get());
                // Keeping the directory is what makes launcher data survive restarts; initdb runs only once.
                builder.setDataDirectory(dataDir.get()).setCleanDataDirectory(false);
            } else {
                // Durability is pointless for data deleted at exit, and fsync is the slow part of tests.
                builder.setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off");
            }
            EmbeddedPostgres pg = builder.start();
            try {
                createDatabaseIfMissing(pg);
            } catch (SQLException | RuntimeException e) {
                pg.close();
                throw new IllegalStateException("Embedded PostgreSQL started but database " + DATABASE
                        + " could not be created", e);
            }
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + DATABASE;
            return new LocalPostgres(url, EMBEDDED_USER, EMBEDDED_PASSWORD, pg);
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not start"
                    + dataDir.map(d -> " (data directory " + d + ")").orElse(""), e);
        }
    }

    /**
     * A launcher killed with SIGKILL leaves its postmaster running, holding the data directory, and the next start
     * would wait for a server that refuses to start. Zonky holds a file lock on {@value #ZONKY_LOCK} while it owns
     * the directory, so if we can take that lock, a postmaster named in {@code postmaster.pid} is an orphan.
     */
    private static void stopOrphanedServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dataDir.resolve(ZONKY_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("PostgreSQL data directory " + dataDir + " is in use by another process");
            }
            Optional<ProcessHandle> orphan = Files.readAllLines(pidFile).stream().findFirst()
                    .map(String::strip).filter(line -> line.matches("\\d+")).map(Long::parseLong)
                    .flatMap(ProcessHandle::of)
                    // A stale file may name a recycled pid; only a postgres binary is ours to stop.
                    .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
            if (orphan.isPresent()) {
                LOG.warn("Stopping orphaned PostgreSQL (pid {}) left running on {}", orphan.get().pid(), dataDir);
                stop(orphan.get());
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("PostgreSQL data directory " + dataDir + " is in use in this JVM", e);
        }
    }

    private static void stop(ProcessHandle postmaster) {
        postmaster.destroy(); // SIGTERM: a smart shutdown, and the dead launcher's connections are gone
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            postmaster.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping an orphaned PostgreSQL", e);
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection();
             var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (var rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (var create = c.createStatement()) {
                create.execute("create database " + DATABASE);
            }
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** True when this process started the server (false for {@code STOWAGE_DATABASE_URL}). */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Stops the embedded server (an ephemeral one also loses its data); idempotent and thread-safe. */
    @Override
    public void close() {
        if (embedded == null || closed.getAndSet(true)) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[" + jdbcUrl + (isEmbedded() ? ", embedded" : ", external") + "]";
    }
}
