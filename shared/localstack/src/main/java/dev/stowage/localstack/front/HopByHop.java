package dev.stowage.localstack.front;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Headers that describe one connection, not the message, and so must not cross the front (RFC 9110 §7.6.1). */
final class HopByHop {
    private static final Set<String> ALWAYS = Set.of(
            "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer",
            "proxy-connection", "proxy-authenticate", "proxy-authorization");

    private final Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    /** The hop-by-hop set of one message: the fixed ones plus those its {@code Connection} header lists. */
    HopByHop(List<String> connectionValues) {
        names.addAll(ALWAYS);
        if (connectionValues != null) {
            for (String value : connectionValues) {
                for (String token : value.split(",")) {
                    if (!token.isBlank()) {
                        names.add(token.trim());
                    }
                }
            }
        }
    }

    boolean contains(String name) {
        return names.contains(name) || name.toLowerCase(Locale.ROOT).startsWith("proxy-");
    }
}
