package dev.stowage.domain.storage;

import dev.stowage.domain.port.ObjectStore.Listed;
import dev.stowage.domain.port.StorageDrift.StoredRow;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One step of the scan's merge of two key-ordered pages, a page of objects and a page of rows that both start
 * after the same key. The step covers keys up to the smaller of the last keys of the pages that were full (a
 * page that was not full reached the end of the prefix); beyond that bound the other side was not read yet.
 * Within it an object no row names is unreferenced and a row whose object was not listed is unbacked.
 * Keys are compared as Java strings, which is S3's (and PostgreSQL's "C") byte order for the ASCII keys
 * {@code StorageKeys} makes.
 *
 * @param upTo         the last key covered, inclusive; empty when both pages reached the end of the prefix
 * @param unreferenced objects within the bound that no row names
 * @param unbacked     rows within the bound whose object storage did not list
 * @param objects      how many objects the step looked at
 * @param rows         how many rows the step looked at
 */
public record DriftPage(Optional<String> upTo, List<Listed> unreferenced, List<StoredRow> unbacked, int objects,
                        int rows) {

    public static DriftPage compare(List<Listed> objects, List<StoredRow> rows, int pageSize) {
        Optional<String> upTo = Optional.empty();
        if (objects.size() >= pageSize) {
            upTo = Optional.of(objects.getLast().key());
        }
        if (rows.size() >= pageSize) {
            String last = rows.getLast().key();
            upTo = Optional.of(upTo.filter(k -> k.compareTo(last) < 0).orElse(last));
        }
        Optional<String> bound = upTo;
        List<Listed> inObjects = objects.stream().filter(o -> within(o.key(), bound)).toList();
        List<StoredRow> inRows = rows.stream().filter(r -> within(r.key(), bound)).toList();
        Set<String> named = inRows.stream().map(StoredRow::key).collect(Collectors.toSet());
        Set<String> held = inObjects.stream().map(Listed::key).collect(Collectors.toSet());
        return new DriftPage(upTo, inObjects.stream().filter(o -> !named.contains(o.key())).toList(),
                inRows.stream().filter(r -> !held.contains(r.key())).toList(), inObjects.size(), inRows.size());
    }

    /** How many objects and rows the step looked at. */
    public int covered() {
        return objects + rows;
    }

    private static boolean within(String key, Optional<String> upTo) {
        return upTo.map(u -> key.compareTo(u) <= 0).orElse(true);
    }

    /**
     * The asset id a key under {@code assets/} or {@code variants/} belongs to ({@code assets/<id>/original},
     * {@code variants/<id>/<name>-<digest>.<fmt>}); empty for a key that does not have that shape.
     */
    public static Optional<UUID> assetIdOf(String key) {
        int start = key.indexOf('/') + 1;
        int end = key.indexOf('/', start);
        if (start <= 0 || end < 0 || end - start != 36) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(key.substring(start, end));
            // UUID.fromString accepts unpadded forms; only the canonical one is a key StorageKeys made.
            return id.toString().equals(key.substring(start, end)) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
