package dev.stowage.testkit.faults;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** Which traffic a {@link FaultProxy} rule applies to: a connection as it is accepted, or bytes as they pass. */
public sealed interface When {

    /** The {@code n}th connection accepted after the rule was added (1 is the next one). */
    record NthConnection(int n) implements When {
        public NthConnection {
            if (n < 1) {
                throw new IllegalArgumentException("connections are counted from 1, got " + n);
            }
        }
    }

    /** Every connection accepted while the rule has firings left. */
    record EveryConnection() implements When {}

    /**
     * A chunk of the client's bytes (read as ISO-8859-1, one read of the socket) that {@code matches}: an HTTP
     * request line, the SQL text of a PostgreSQL Parse or Query message. Chunks follow the client's writes, which
     * is where HTTP clients and the PostgreSQL driver put a request boundary.
     */
    record Bytes(String description, Predicate<String> matches) implements When {}

    static When nextConnection() {
        return new NthConnection(1);
    }

    static When connection(int n) {
        return new NthConnection(n);
    }

    static When everyConnection() {
        return new EveryConnection();
    }

    static When bytes(String description, Predicate<String> matches) {
        return new Bytes(description, matches);
    }

    /** Client bytes containing {@code text}: a table name in SQL, say. */
    static When containing(String text) {
        return new Bytes("containing '" + text + "'", chunk -> chunk.contains(text));
    }

    /** The start of an HTTP request with this method whose request target contains {@code pathPart}. */
    static When httpRequest(String method, String pathPart) {
        String prefix = method + " ";
        return new Bytes(method + " *" + pathPart + "*", chunk -> {
            if (!chunk.startsWith(prefix)) {
                return false;
            }
            int end = chunk.indexOf('\r');
            String line = end < 0 ? chunk : chunk.substring(0, end);
            return line.contains(pathPart);
        });
    }

    /** Decodes a chunk the way {@link Bytes} predicates see it. */
    static String text(byte[] buffer, int length) {
        return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }
}
