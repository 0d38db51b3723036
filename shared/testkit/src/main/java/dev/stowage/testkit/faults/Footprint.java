package dev.stowage.testkit.faults;

import dev.stowage.domain.port.ObjectStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one owner's uploads left behind, in the database and in the bucket, with ids replaced by their order
 * of creation ({@code session1}, {@code asset1}): two runs of the same lifecycle, one with a fault and one without,
 * have equal footprints exactly when the faulty one converged with nothing half-applied and no residue.
 */
public record Footprint(List<String> rows, List<String> objects) {

    private static final List<String> PREFIXES = List.of("staging/", "assets/", "variants/", "exports/");

    /** The owner's sessions, assets, variants, attachments, exports, outbox events and the objects under their ids. */
    public static Footprint of(Connection db, ObjectStore bucket, String owner) throws SQLException {
        Map<String, String> names = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>();
        query(db, """
                SELECT id::text, state, strategy, failure_reason IS NOT NULL, asset_id::text FROM upload_sessions
                 WHERE owner = ? ORDER BY created_at, id""", owner, r -> {
            String id = name(names, r.getString(1), "session");
            rows.add(id + " " + r.getString(2) + " " + r.getString(3) + (r.getBoolean(4) ? " failed-with-reason" : "")
                    + " -> " + (r.getString(5) == null ? "no asset" : name(names, r.getString(5), "asset")));
        });
        query(db, """
                SELECT id::text, state, content_type, width, height, storage_key IS NOT NULL, quarantine_reason
                  FROM assets WHERE owner = ? ORDER BY created_at, id""", owner, r -> {
            String id = name(names, r.getString(1), "asset");
            rows.add(id + " " + r.getString(2) + " " + r.getString(3) + " " + r.getObject(4) + "x" + r.getObject(5)
                    + (r.getBoolean(6) ? " stored" : "") + (r.getString(7) == null ? "" : " " + r.getString(7)));
        });
        query(db, """
                SELECT a.id::text, v.name, v.state FROM variants v JOIN assets a ON a.id = v.asset_id
                 WHERE a.owner = ? ORDER BY a.created_at, a.id, v.name""", owner,
                r -> rows.add(name(names, r.getString(1), "asset") + " variant " + r.getString(2) + " "
                        + r.getString(3)));
        query(db, """
                SELECT id::text, state, byte_size, content IS NOT NULL FROM exports WHERE principal = ?
                 ORDER BY created_at, id""", owner,
                r -> rows.add(name(names, r.getString(1), "export") + " " + r.getString(2) + " " + r.getObject(3)
                        + (r.getBoolean(4) ? " in-row" : "")));
        query(db, """
                SELECT owner_type, slot, asset_id::text FROM attachments WHERE principal = ?
                 ORDER BY owner_type, slot, created_at""", owner,
                r -> rows.add("attachment " + r.getString(1) + "/" + r.getString(2) + " -> "
                        + names.getOrDefault(r.getString(3), "another owner's asset")));
        if (!names.isEmpty()) {
            // One row per event, named by the first of its ids this owner has (session, then asset).
            query(db, """
                    SELECT coalesce(session_id, asset_id, subject_id)::text, type, variant_name FROM outbox_events
                     WHERE subject_id = ANY(?::uuid[]) OR asset_id = ANY(?::uuid[]) OR session_id = ANY(?::uuid[])
                     ORDER BY seq""", List.of(ids(names), ids(names), ids(names)),
                    r -> rows.add(names.getOrDefault(r.getString(1), "other") + " event " + r.getString(2)
                            + (r.getString(3) == null ? "" : " " + r.getString(3))));
        }
        List<String> objects = new ArrayList<>();
        for (String prefix : PREFIXES) {
            Optional<String> after = Optional.empty();
            while (true) {
                List<ObjectStore.Listed> page = bucket.list(prefix, after, ObjectStore.LIST_PAGE);
                for (ObjectStore.Listed listed : page) {
                    String key = listed.key();
                    for (Map.Entry<String, String> id : names.entrySet()) {
                        if (key.contains(id.getKey())) {
                            objects.add(key.replace(id.getKey(), id.getValue()));
                        }
                    }
                }
                if (page.size() < ObjectStore.LIST_PAGE) {
                    break;
                }
                after = Optional.of(page.getLast().key());
            }
        }
        return new Footprint(List.copyOf(rows), objects.stream().sorted().toList());
    }

    private static String ids(Map<String, String> names) {
        return "{" + String.join(",", names.keySet()) + "}";
    }

    private static String name(Map<String, String> names, String id, String kind) {
        return names.computeIfAbsent(id, unused -> kind + (names.values().stream()
                .filter(n -> n.startsWith(kind)).count() + 1));
    }

    private interface RowReader {
        void read(ResultSet r) throws SQLException;
    }

    private static void query(Connection db, String sql, String parameter, RowReader reader) throws SQLException {
        query(db, sql, List.of(parameter), reader);
    }

    private static void query(Connection db, String sql, List<String> parameters, RowReader reader)
            throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                s.setString(i + 1, parameters.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    reader.read(r);
                }
            }
        }
    }

    @Override
    public String toString() {
        return String.join("\n", rows) + "\nobjects: " + objects;
    }
}
