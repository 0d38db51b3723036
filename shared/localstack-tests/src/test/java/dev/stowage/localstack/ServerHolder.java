package dev.stowage.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Child-JVM main for the kill -9 tests: starts a server on a directory and holds it until killed. */
public final class ServerHolder {

    private ServerHolder() {
    }

    /** Arguments: {@code postgres|s3} and the data or base directory. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("postgres")) {
            LocalPostgres pg = LocalPostgres.start(Optional.of(dir), 0, Map.of());
            try (var c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                 var st = c.createStatement()) {
                st.execute("create table if not exists kept (v text)");
                st.execute("insert into kept values ('written before the kill')");
            }
        } else {
            LocalS3Server.start(Optional.of(dir), 0, "media", Map.of());
        }
        System.out.println("READY");
        System.out.flush();
        // Blocks until the test kills this JVM; reading stdin keeps it alive without sleeping.
        System.in.read();
    }

    /** Starts a holder and returns once its server is up; the caller kills it. */
    static Process start(String kind, Path dir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ServerHolder.class.getName(), kind, dir.toString())
                .redirectErrorStream(true).start();
        var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        // readLine returns null when the holder dies, so this cannot hang on a failed start.
        StringBuilder output = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals("READY")) {
                return holder;
            }
            output.append(line).append('\n');
        }
        throw new IllegalStateException("holder for " + kind + " died:\n" + output);
    }
}
