package dev.stowage.domain.port;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** The order object storage lists keys in: their UTF-8 bytes, unsigned (not Java's UTF-16 order). */
final class StorageOrder {
    static final Comparator<String> KEYS = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private StorageOrder() {}

    /** The longest prefix both keys start with, never ending inside a surrogate pair. */
    static String commonPrefix(String a, String b) {
        int n = 0;
        int max = Math.min(a.length(), b.length());
        while (n < max && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        if (n > 0 && Character.isHighSurrogate(a.charAt(n - 1))) {
            n--;
        }
        return a.substring(0, n);
    }
}
