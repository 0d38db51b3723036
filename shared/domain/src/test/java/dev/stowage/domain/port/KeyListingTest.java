package dev.stowage.domain.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How {@link ObjectStore#existing} lists: which prefixes and pages it asks for. The listing itself is a sorted set
 * in storage's order standing in for a bucket (the contract suite runs {@code existing} against the real server).
 */
class KeyListingTest {

    /** A listing over the given keys, in storage's order, that records what it was asked. */
    static final class Listing implements ObjectStore {
        final TreeSet<String> keys = new TreeSet<>(KeyListing.STORAGE_ORDER);
        final List<String> asked = new ArrayList<>();

        @Override
        public List<Listed> list(String prefix, Optional<String> startAfter, int limit) {
            asked.add(prefix + " after " + startAfter.orElse("-"));
            return (startAfter.isPresent() ? keys.tailSet(startAfter.get(), false) : keys).stream()
                    .filter(k -> k.startsWith(prefix)).limit(limit)
                    .map(k -> new Listed(k, 1, java.time.Instant.EPOCH)).toList();
        }

        @Override public void put(String key, InputStream body, long length, String type, Optional<String> cc) {
            throw new UnsupportedOperationException();
        }
        @Override public Optional<ObjectInfo> head(String key) {
            throw new UnsupportedOperationException("existing() must not HEAD");
        }
        @Override public Slice read(String key, long offset, int length) {
            throw new UnsupportedOperationException();
        }
        @Override public InputStream open(String key) {
            throw new UnsupportedOperationException();
        }
        @Override public void copy(CopySpec spec) {
            throw new UnsupportedOperationException();
        }
        @Override public void delete(String key) {
            throw new UnsupportedOperationException();
        }
        @Override public Deletion deleteAll(Collection<String> keys) {
            throw new UnsupportedOperationException();
        }
        @Override public PresignedRequest presignPut(PutSpec spec) {
            throw new UnsupportedOperationException();
        }
        @Override public PresignedRequest presignGet(GetSpec spec) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBatchInKeyOrderIsListedGroupByGroupUnderItsLongestSharedPrefixes() {
        Listing store = new Listing();
        store.keys.addAll(List.of("staging/0aa/f.jpg", "staging/0ab/g.jpg", "staging/1b/h.jpg", "staging/2c/i.jpg",
                "staging/9z/unrelated"));

        Set<String> found = store.existing(List.of("staging/1b/h.jpg", "staging/0aa/f.jpg", "staging/0ab/missing",
                "staging/1b/missing"));

        assertEquals(Set.of("staging/0aa/f.jpg", "staging/1b/h.jpg"), found);
        // Per group, from just before its first key; a page that stops short of its last key is followed by
        // another (only an empty page ends a listing for sure). Never the whole of staging/.
        assertEquals(List.of("staging/0a after staging/0aa/f.jp", "staging/0a after staging/0ab/g.jpg",
                "staging/1b/ after staging/1b/h.jp", "staging/1b/ after staging/1b/h.jpg"), store.asked);
    }

    @Test
    void aRangeOfMoreThanAPageIsReadPageAfterPageAndNoFurther() {
        Listing store = new Listing();
        for (int i = 0; i < 2_500; i++) {
            store.keys.add(String.format("staging/5/%05d", i));
        }
        store.keys.addAll(List.of("staging/5/99999", "staging/9/zz"));

        Set<String> found = store.existing(List.of("staging/5/00000", "staging/5/02499", "staging/5/01500",
                "staging/9/zz"));

        assertEquals(Set.of("staging/5/00000", "staging/5/01500", "staging/5/02499", "staging/9/zz"), found);
        assertEquals(List.of("staging/5/0 after staging/5/0000", "staging/5/0 after staging/5/00999",
                "staging/5/0 after staging/5/01999", "staging/9/zz after staging/9/z"), store.asked,
                "2,500 keys in the first group's range: three pages, none past its last key");
    }

    @Test
    void keysAreOrderedByTheirUtf8BytesAsStorageListsThemNotByJavasUtf16() {
        // U+FF21 sorts after U+1F600 in UTF-16 (0xFF21 > 0xD83D) but before it in UTF-8 (EF BC A1 < F0 9F 98 80).
        String fullwidth = "staging/x/\uFF21";
        String emoji = "staging/x/\uD83D\uDE00";
        Listing store = new Listing();
        store.keys.addAll(List.of(fullwidth, emoji));
        assertEquals(List.of(fullwidth, emoji), List.copyOf(store.keys));

        assertEquals(Set.of(fullwidth, emoji), store.existing(List.of(emoji, fullwidth)));
        assertEquals(Set.of(emoji), store.existing(List.of(emoji)));
        assertTrue(store.asked.stream().allMatch(a -> !a.contains("\uD83D after") && !a.endsWith("\uD83D")),
                "never a prefix or a start that ends inside a surrogate pair: " + store.asked);
        assertEquals(Set.of(), store.existing(List.of()));
        assertEquals(Set.of(), store.existing(List.of("staging/" + UUID.randomUUID() + "/none")));
    }
}
