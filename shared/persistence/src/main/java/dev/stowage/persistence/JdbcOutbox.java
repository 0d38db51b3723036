package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.event.LifecycleEvent;
import dev.stowage.domain.port.Outbox;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The outbox (V12). Rows are written by V12's triggers in the state change's own transaction; here they are
 * read for their principal (by digest: the raw principal is not stored) and claimed for the relay with
 * {@code FOR UPDATE SKIP LOCKED}, so overlapping relay runs never hold the same event. The purger deletes
 * published rows past their retention, a bounded batch per statement (V13's index).
 */
@Singleton
public class JdbcOutbox implements Outbox {
    private static final String COLUMNS = "seq, event_id, type, occurred_at, principal_digest, profile, subject_id,"
            + " asset_id, session_id, variant_name, reason";

    private final TransactionOperations<Connection> tx;

    public JdbcOutbox(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public List<LifecycleEvent> ofPrincipal(Principal principal, long after, int limit) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT " + COLUMNS
                    + " FROM outbox_events WHERE principal_digest = principal_digest(?) AND seq > ?"
                    + " ORDER BY seq LIMIT ?")) {
                s.setString(1, principal.id());
                s.setLong(2, after);
                s.setInt(3, limit);
                return events(s);
            }
        });
    }

    @Override
    public int publishNext(int limit, Function<List<LifecycleEvent>, Set<UUID>> publish) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            List<LifecycleEvent> claimed;
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")) {
                s.setInt(1, limit);
                claimed = events(s);
            }
            if (claimed.isEmpty()) {
                return 0;
            }
            Set<UUID> accepted = publish.apply(claimed);
            if (accepted.isEmpty()) {
                return 0;
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE outbox_events SET published_at = now()"
                    + " WHERE event_id = ANY(?) AND published_at IS NULL")) {
                Array ids = c.createArrayOf("uuid", accepted.toArray());
                s.setArray(1, ids);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public int deletePublishedBefore(java.time.Instant cutoff, int limit) {
        // SKIP LOCKED: a row a relay holds right now is not one to wait for; the next batch or run takes it.
        return tx.executeWrite(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("""
                    DELETE FROM outbox_events WHERE seq IN (
                        SELECT seq FROM outbox_events
                         WHERE published_at IS NOT NULL AND published_at < ?
                         ORDER BY published_at LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
                s.setTimestamp(1, java.sql.Timestamp.from(cutoff));
                s.setInt(2, limit);
                return s.executeUpdate();
            }
        });
    }

    private static List<LifecycleEvent> events(PreparedStatement s) throws SQLException {
        List<LifecycleEvent> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new LifecycleEvent(r.getLong("seq"), r.getObject("event_id", UUID.class), r.getString("type"),
                        r.getTimestamp("occurred_at").toInstant(), r.getString("principal_digest"),
                        Optional.ofNullable(r.getString("profile")), r.getObject("subject_id", UUID.class),
                        Optional.ofNullable(r.getObject("asset_id", UUID.class)),
                        Optional.ofNullable(r.getObject("session_id", UUID.class)),
                        Optional.ofNullable(r.getString("variant_name")), Optional.ofNullable(r.getString("reason"))));
            }
        }
        return out;
    }
}
