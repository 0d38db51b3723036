package dev.stowage.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code ./stowage local}: starts the whole stack on a laptop and prints how to reach it.
 * Options: {@code --port N} (default 8080), {@code --data DIR} (default .stowage), {@code --ephemeral}.
 */
public final class StowageLocal {
    private StowageLocal() {}

    public static void main(String[] args) {
        int port = 8080;
        Optional<Path> dataDir = Optional.of(Path.of(".stowage"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "local" -> { }
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--data" -> dataDir = Optional.of(Path.of(value(args, ++i, "--data")));
                case "--ephemeral" -> dataDir = Optional.empty();
                case "-h", "--help" -> {
                    System.out.println("usage: stowage local [--port N] [--data DIR | --ephemeral]");
                    return;
                }
                default -> fail("unknown option " + args[i] + " (try --help)");
            }
        }
        String secret = jwtSecret(dataDir);
        LocalStack stack = LocalStack.start(new LocalStack.Options(port, dataDir, secret));
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
                """, stack.apiUrl().resolve("/"), stack.apiUrl(), stack.s3Endpoint(), stack.bucket(),
                dataDir.map(Path::toAbsolutePath).map(Path::toString).orElse("(ephemeral)"), token, token);
    }

    /** STOWAGE_JWT_SECRET, else one kept in the data directory so tokens survive restarts. */
    private static String jwtSecret(Optional<Path> dataDir) {
        String fromEnv = System.getenv("STOWAGE_JWT_SECRET");
        if (fromEnv != null && fromEnv.length() >= 32) {
            return fromEnv;
        }
        String fresh = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        if (dataDir.isEmpty()) {
            return fresh;
        }
        try {
            Path file = dataDir.get().resolve("jwt-secret");
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(dataDir.get());
            Files.writeString(file, fresh);
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the dev JWT secret in " + dataDir.get(), e);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            fail(option + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("stowage: " + message);
        System.exit(2);
    }
}
