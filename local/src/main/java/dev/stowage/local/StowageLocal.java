package dev.stowage.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/** {@code ./stowage}: the local stack ({@code local}) and the tools a developer uses beside it ({@code token}). */
public final class StowageLocal {
    static final String USAGE = """
            usage: ./stowage <command> [options]

            commands:
              local     start the whole stack on this machine: PostgreSQL, S3, every function, one port
                          --port N          API port (default 8080)
                          --data DIR        where the database, objects and dev secret live (default .stowage)
                          --ephemeral       keep nothing: a throw-away stack
                          --allow-remote-database
                                            accept a STOWAGE_DATABASE_URL that is not on this machine
                                            (the stack's purger deletes what it believes abandoned there)
              migrate   apply the database migrations to STOWAGE_DATABASE_URL (+ _USER, _PASSWORD), nothing else
              token     print a dev bearer token that the local stack accepts
                          --sub NAME        the caller (principal) it names (default dev-user)
                          --scope SCOPE     an OAuth scope to grant, repeatable (e.g. stowage/operator)
                          --ttl DURATION    how long it lives: 30d, 12h, 15m, 90s or ISO-8601 (default 30d)
                          --data DIR        the data directory of the stack it is for (default .stowage)
              help      this text (also -h, --help)
            """;
    private static final Duration DEFAULT_TOKEN_TTL = Duration.ofDays(30);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    private StowageLocal() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        List<String> options = List.of(args).subList(Math.min(1, args.length), args.length);
        switch (command) {
            case "local" -> local(options);
            case "migrate" -> migrate(options);
            case "token" -> token(options);
            case "help", "-h", "--help" -> System.out.print(USAGE);
            default -> fail("unknown command '" + command + "'\n\n" + USAGE);
        }
    }

    private static void local(List<String> args) {
        int port = 8080;
        Optional<Path> dataDir = Optional.of(Path.of(".stowage"));
        boolean allowRemoteDatabase = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--port" -> port = port(value(args, ++i, "--port"));
                case "--allow-remote-database" -> allowRemoteDatabase = true;
                case "--data" -> dataDir = Optional.of(Path.of(value(args, ++i, "--data")));
                case "--ephemeral" -> dataDir = Optional.empty();
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> fail("unknown option " + args.get(i) + " for 'local' (try ./stowage help)");
            }
        }
        String databaseUrl = System.getenv("STOWAGE_DATABASE_URL");
        if (databaseUrl != null && !databaseUrl.isBlank() && !allowRemoteDatabase && !isOnThisMachine(databaseUrl)) {
            fail("STOWAGE_DATABASE_URL names a database on another machine (" + databaseUrl.replaceAll("\\?.*", "")
                    + "). The local stack runs a purger that deletes uploads it believes abandoned, with objects in"
                    + " a throw-away local S3: never point it at a deployment's database. To apply migrations use"
                    + " ./stowage migrate; to use that database anyway, pass --allow-remote-database.");
        }
        String secret = jwtSecret(dataDir, true).orElseThrow();
        LocalStack stack = LocalStack.start(new LocalStack.Options(port, dataDir, secret));
        // The one shutdown hook: Ctrl-C and SIGTERM stop the API, then s3proxy and PostgreSQL.
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "stowage-local-shutdown"));
        String token = stack.devToken();
        System.out.printf("""

                Stowage is running.
                  upload page  %s
                  API          %s   (GET /health)
                  S3 endpoint  %s   bucket %s
                  data         %s
                  dev token    %s

                  export STOWAGE_TOKEN=%s
                  (another caller: ./stowage token --sub alice)
                """, stack.apiUrl().resolve("/"), stack.apiUrl(), stack.s3Endpoint(), stack.bucket(),
                dataDir.map(Path::toAbsolutePath).map(Path::toString).orElse("(ephemeral)"), token, token);
    }

    /** Whether a JDBC URL names a server on this machine (loopback); anything unparsable is not. */
    static boolean isOnThisMachine(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            return false;
        }
        try {
            java.net.URI uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
            String host = uri.getHost();
            if (host == null) {
                // jdbc:postgresql:dbname (no //host) means localhost; a multi-host list does not parse a host
                return uri.getRawAuthority() == null && !jdbcUrl.startsWith("jdbc:postgresql://");
            }
            return host.equals("localhost") || java.net.InetAddress.ofLiteral(host.replaceAll("^\\[|]$", ""))
                    .isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Flyway against the named database, and nothing else: no S3, no HTTP port, no purger. */
    private static void migrate(List<String> args) {
        if (!args.isEmpty()) {
            if (args.getFirst().equals("-h") || args.getFirst().equals("--help")) {
                System.out.print(USAGE);
                return;
            }
            fail("'migrate' takes no options; name the database with STOWAGE_DATABASE_URL");
        }
        String url = System.getenv("STOWAGE_DATABASE_URL");
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            fail("set STOWAGE_DATABASE_URL to the jdbc:postgresql: URL of the database to migrate"
                    + " (and STOWAGE_DATABASE_USER, STOWAGE_DATABASE_PASSWORD)");
        }
        var result = Flyway.configure()
                .dataSource(url, System.getenv().getOrDefault("STOWAGE_DATABASE_USER", "stowage"),
                        System.getenv().getOrDefault("STOWAGE_DATABASE_PASSWORD", ""))
                .locations("classpath:db/migration")
                .load()
                .migrate();
        System.out.printf("stowage: %d migration(s) applied; the schema is at version %s%n",
                result.migrationsExecuted, result.targetSchemaVersion != null ? result.targetSchemaVersion
                        : Optional.ofNullable(result.initialSchemaVersion).orElse("(none)"));
    }

    private static void token(List<String> args) {
        String subject = "dev-user";
        List<String> scopes = new ArrayList<>();
        Duration ttl = DEFAULT_TOKEN_TTL;
        Path dataDir = Path.of(".stowage");
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--sub" -> subject = value(args, ++i, "--sub");
                case "--scope" -> scopes.add(value(args, ++i, "--scope"));
                case "--ttl" -> ttl = duration(value(args, ++i, "--ttl"));
                case "--data" -> dataDir = Path.of(value(args, ++i, "--data"));
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> fail("unknown option " + args.get(i) + " for 'token' (try ./stowage help)");
            }
        }
        if (subject.isBlank()) {
            fail("--sub must not be blank");
        }
        Path where = dataDir;
        String secret = jwtSecret(Optional.of(dataDir), false).orElseGet(() -> {
            fail("no dev secret in " + where.toAbsolutePath() + ": start ./stowage local once (or pass --data DIR,"
                    + " or set STOWAGE_JWT_SECRET)");
            return null;
        });
        System.out.println(DevTokens.mint(secret, subject, ttl, scopes));
    }

    /** {@code 30d}, {@code 12h}, {@code 15m}, {@code 90s}, or ISO-8601 such as {@code PT2H}; positive. */
    static Duration duration(String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        Duration parsed;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            parsed = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                parsed = Duration.parse(text);
            } catch (DateTimeParseException e) {
                fail("--ttl must look like 30d, 12h, 15m, 90s or PT2H, was '" + text + "'");
                return null;
            }
        }
        if (parsed.isZero() || parsed.isNegative() || parsed.compareTo(Duration.ofDays(366)) > 0) {
            fail("--ttl must be positive and at most a year, was '" + text + "'");
        }
        return parsed;
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("--port must be a port number (0-65535), was '" + text + "'");
        return -1;
    }

    /**
     * STOWAGE_JWT_SECRET, else the one kept in the data directory so tokens survive restarts; with
     * {@code create}, a new one is made (and kept, unless ephemeral) when there is none.
     */
    private static Optional<String> jwtSecret(Optional<Path> dataDir, boolean create) {
        String fromEnv = System.getenv("STOWAGE_JWT_SECRET");
        if (fromEnv != null && fromEnv.length() >= 32) {
            return Optional.of(fromEnv);
        }
        String fresh = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        if (dataDir.isEmpty()) {
            return Optional.of(fresh);
        }
        try {
            Path file = dataDir.get().resolve("jwt-secret");
            if (Files.exists(file)) {
                return Optional.of(Files.readString(file).trim());
            }
            if (!create) {
                return Optional.empty();
            }
            Files.createDirectories(dataDir.get());
            Files.writeString(file, fresh);
            return Optional.of(fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the dev JWT secret in " + dataDir.get(), e);
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            fail(option + " needs a value");
        }
        return args.get(i);
    }

    private static void fail(String message) {
        System.err.println("stowage: " + message);
        System.exit(2);
    }
}
