package dev.stowage.domain.port;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ObjectStore#existing}: which keys hold an object, found by listing rather than a HEAD per key. The keys
 * are sorted in storage's order (UTF-8 bytes, unsigned; not Java's UTF-16 order) and split into groups that share
 * the character after their common prefix; each group's range is listed under the longest prefix its keys share,
 * from just before its first key until past its last. So a listing never runs past the keys asked for into
 * unrelated ones, and a store that reads every object under a prefix to answer a listing (the local S3 server
 * does) reads only the groups', not the whole of {@code staging/}; a batch taken in key order makes a few groups.
 */
final class KeyListing {
    static final Comparator<String> STORAGE_ORDER = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private KeyListing() {}

    static Set<String> existing(ObjectStore store, List<String> keys) {
        List<String> sorted = keys.stream().distinct().sorted(STORAGE_ORDER).toList();
        if (sorted.isEmpty()) {
            return Set.of();
        }
        int split = commonPrefix(sorted.getFirst(), sorted.getLast()).length();
        Set<String> found = new HashSet<>();
        int from = 0;
        while (from < sorted.size()) {
            int to = from + 1;
            while (to < sorted.size() && sameAt(sorted.get(from), sorted.get(to), split)) {
                to++;
            }
            found.addAll(listRange(store, sorted.subList(from, to)));
            from = to;
        }
        return found;
    }

    /** Whether both keys have the same code point at {@code index} (or both end there). */
    private static boolean sameAt(String a, String b, int index) {
        boolean aEnds = index >= a.length();
        boolean bEnds = index >= b.length();
        if (aEnds || bEnds) {
            return aEnds && bEnds;
        }
        return a.codePointAt(index) == b.codePointAt(index);
    }

    /** The keys of {@code sorted} (in storage order) found by one listing of their range, page by page. */
    private static Set<String> listRange(ObjectStore store, List<String> sorted) {
        Set<String> wanted = Set.copyOf(sorted);
        String first = sorted.getFirst();
        String last = sorted.getLast();
        String prefix = commonPrefix(first, last);
        // Any key before the first one will do (only keys asked for are picked out of the listing): the first one
        // without its last character is the closest that is simple to name.
        Optional<String> after = Optional.of(first.substring(0, first.offsetByCodePoints(first.length(), -1)))
                .filter(k -> !k.isEmpty());
        Set<String> found = new HashSet<>();
        while (true) {
            List<ObjectStore.Listed> page = store.list(prefix, after, ObjectStore.LIST_PAGE);
            for (ObjectStore.Listed o : page) {
                if (wanted.contains(o.key())) {
                    found.add(o.key());
                }
            }
            // Only an empty page ends a listing for sure: S3 may return a short page with more to come.
            if (page.isEmpty() || STORAGE_ORDER.compare(page.getLast().key(), last) >= 0) {
                return found;
            }
            after = Optional.of(page.getLast().key());
        }
    }

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
