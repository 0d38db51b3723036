package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.domain.stagedfile.StagedFile;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The staged-file port over PostgreSQL. Every write that adds or drops a reference to a checksum's object
 * runs in a transaction holding that checksum's advisory lock ({@code pg_advisory_xact_lock}), and a release
 * checks "no entry of anyone references it" and deletes the object inside that transaction: a stage of the
 * same checksum waits for it and then inserts a pending entry whose upload re-creates the object, or goes
 * first and keeps the object referenced. Times come from the database's clock.
 */
@Singleton
public class JdbcStagedFiles implements StagedFiles {
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('staged-file:' || ?, 0))";
    /** Checksums locked per transaction of a batch release: PostgreSQL's default max_locks_per_transaction. */
    static final int LOCKS_PER_TRANSACTION = 64;
    private static final String COLUMNS = "id, principal, checksum_sha256, name, byte_size, content_type, state, "
            + "persist, ttl_seconds, expires_at, created_at, updated_at";

    private final TransactionOperations<Connection> tx;

    public JdbcStagedFiles(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public StagedFile stage(Principal owner, Declaration d) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            lock(c, d.checksumHex());
            // persist is sticky; a TTL slides from now; a pending entry takes the new declaration, a present
            // one keeps the size storage confirmed.
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO staged_files (id, principal, checksum_sha256, name, byte_size, content_type,
                                              storage_key, state, persist, ttl_seconds, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?,
                            CASE WHEN ? THEN NULL ELSE now() + make_interval(secs => ?) END)
                    ON CONFLICT (principal, checksum_sha256) DO UPDATE SET
                        name = EXCLUDED.name,
                        content_type = COALESCE(EXCLUDED.content_type, staged_files.content_type),
                        byte_size = CASE WHEN staged_files.state = 'pending' THEN EXCLUDED.byte_size
                                         ELSE staged_files.byte_size END,
                        persist = staged_files.persist OR EXCLUDED.persist,
                        ttl_seconds = CASE WHEN staged_files.persist OR EXCLUDED.persist THEN NULL
                                           ELSE EXCLUDED.ttl_seconds END,
                        expires_at = CASE WHEN staged_files.persist OR EXCLUDED.persist THEN NULL
                                          ELSE EXCLUDED.expires_at END
                    RETURNING\s""" + COLUMNS)) {
                s.setObject(1, UUID.randomUUID());
                s.setString(2, owner.id());
                s.setString(3, d.checksumHex());
                s.setString(4, d.name());
                s.setLong(5, d.byteSize());
                s.setString(6, d.contentType().orElse(null));
                s.setString(7, StagedFile.key(d.checksumHex()));
                s.setBoolean(8, d.persist());
                if (d.ttlSeconds().isPresent()) {
                    s.setLong(9, d.ttlSeconds().getAsLong());
                    s.setBoolean(10, false);
                    s.setDouble(11, d.ttlSeconds().getAsLong());
                } else {
                    s.setNull(9, Types.BIGINT);
                    s.setBoolean(10, true);
                    s.setNull(11, Types.DOUBLE);
                }
                return one(s).orElseThrow();
            }
        });
    }

    @Override
    public Optional<StagedFile> find(Principal owner, UUID id) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM staged_files WHERE id = ? AND principal = ?")) {
                s.setObject(1, id);
                s.setString(2, owner.id());
                return one(s);
            }
        });
    }

    @Override
    public List<StagedFile> list(Principal owner, Optional<Position> after, int limit) {
        return tx.executeRead(status -> {
            String where = after.isPresent() ? " AND (created_at, id) > (?, ?)" : "";
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT " + COLUMNS
                    + " FROM staged_files WHERE principal = ?" + where + " ORDER BY created_at, id LIMIT ?")) {
                int i = 1;
                s.setString(i++, owner.id());
                if (after.isPresent()) {
                    s.setObject(i++, OffsetDateTime.ofInstant(after.get().createdAt(), ZoneOffset.UTC));
                    s.setObject(i++, after.get().id());
                }
                s.setInt(i, limit);
                return all(s);
            }
        });
    }

    @Override
    public Metrics metrics(Principal owner) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("""
                    SELECT count(*), coalesce(sum(byte_size), 0),
                           count(*) FILTER (WHERE persist), coalesce(sum(byte_size) FILTER (WHERE persist), 0),
                           count(*) FILTER (WHERE NOT persist),
                           coalesce(sum(byte_size) FILTER (WHERE NOT persist), 0),
                           count(*) FILTER (WHERE state = 'pending'),
                           coalesce(sum(byte_size) FILTER (WHERE state = 'pending'), 0),
                           min(expires_at)
                      FROM staged_files WHERE principal = ?""")) {
                s.setString(1, owner.id());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return new Metrics(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5),
                            r.getLong(6), r.getLong(7), r.getLong(8), instant(r, 9));
                }
            }
        });
    }

    @Override
    public boolean markPending(UUID id) {
        return tx.executeWrite(status -> update(status.getConnection(),
                "UPDATE staged_files SET state = 'pending' WHERE id = ? AND state = 'present'", id) == 1);
    }

    @Override
    public int markPresent(String checksumHex, long byteSize) {
        return tx.executeWrite(status -> {
            Connection c = status.getConnection();
            lock(c, checksumHex);
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE staged_files SET state = 'present'
                     WHERE checksum_sha256 = ? AND state = 'pending' AND byte_size = ?""")) {
                s.setString(1, checksumHex);
                s.setLong(2, byteSize);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public List<StagedFile> findExpired(Optional<Principal> owner, int limit) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT " + COLUMNS
                    + " FROM staged_files WHERE NOT persist AND expires_at <= now()"
                    + (owner.isPresent() ? " AND principal = ?" : "") + " ORDER BY expires_at, id LIMIT ?")) {
                int i = 1;
                if (owner.isPresent()) {
                    s.setString(i++, owner.get().id());
                }
                s.setInt(i, limit);
                return all(s);
            }
        });
    }

    @Override
    public List<StagedFile> findAll(Principal owner, int limit) {
        return list(owner, Optional.empty(), limit);
    }

    @Override
    public List<StagedFile> remove(List<StagedFile> entries, boolean onlyIfExpired, Consumer<List<String>> release) {
        Map<String, List<UUID>> byChecksum = new TreeMap<>();
        entries.forEach(e -> byChecksum.computeIfAbsent(e.checksumHex(), k -> new ArrayList<>()).add(e.id()));
        List<StagedFile> removed = new ArrayList<>();
        inLockedChunks(byChecksum.keySet(), (c, checksums) -> {
            List<UUID> ids = checksums.stream().flatMap(k -> byChecksum.get(k).stream()).toList();
            List<StagedFile> gone;
            try (PreparedStatement s = c.prepareStatement("DELETE FROM staged_files WHERE id = ANY (?)"
                    + (onlyIfExpired ? " AND NOT persist AND expires_at <= now()" : "") + " RETURNING " + COLUMNS)) {
                s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                gone = all(s);
            }
            releaseUnreferenced(c, gone.stream().map(StagedFile::checksumHex).distinct().toList(), release);
            removed.addAll(gone);
        });
        return removed;
    }

    @Override
    public Set<String> releaseUnreferenced(Collection<String> checksumsHex, Consumer<List<String>> release) {
        // Most objects the sweep lists are referenced: one unlocked read finds the candidates, and only they are
        // locked and checked again (a reference dropped just after the read is swept by the next run).
        List<String> candidates =
                tx.executeRead(status -> unreferenced(status.getConnection(), List.copyOf(checksumsHex)));
        Set<String> released = new HashSet<>();
        inLockedChunks(new TreeSet<>(candidates),
                (c, checksums) -> released.addAll(releaseUnreferenced(c, checksums, release)));
        return released;
    }

    /**
     * Runs {@code work} over the checksums in transactions of {@value #LOCKS_PER_TRANSACTION}, each holding the
     * advisory locks of its checksums, taken in one order (the caller's sorted one): two runs locking overlapping sets
     * wait for each other rather than deadlock, and a stage, which takes one lock, waits for the transaction or goes
     * first.
     * A chunk, not the whole batch: each lock takes a slot of the server's shared lock table, which has
     * {@code max_locks_per_transaction} (64 by default) per connection.
     */
    private void inLockedChunks(Collection<String> sortedChecksums, LockedWork work) {
        List<String> all = List.copyOf(sortedChecksums);
        for (int from = 0; from < all.size(); from += LOCKS_PER_TRANSACTION) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + LOCKS_PER_TRANSACTION));
            tx.executeWrite(status -> {
                Connection c = status.getConnection();
                for (String checksum : chunk) {
                    lock(c, checksum);
                }
                work.run(c, chunk);
                return null;
            });
        }
    }

    /** What a transaction of {@link #inLockedChunks} does once it holds its checksums' locks. */
    @FunctionalInterface
    private interface LockedWork {
        void run(Connection c, List<String> checksums) throws SQLException;
    }

    /** Under the checksums' locks: those no entry references any more get {@code release} of their keys, at once. */
    private static List<String> releaseUnreferenced(Connection c, List<String> checksums,
                                                    Consumer<List<String>> release) throws SQLException {
        List<String> unreferenced = unreferenced(c, checksums);
        if (!unreferenced.isEmpty()) {
            release.accept(unreferenced.stream().map(StagedFile::key).toList());
        }
        return unreferenced;
    }

    /** Those of the checksums no entry of anyone references, in order. */
    private static List<String> unreferenced(Connection c, List<String> checksums) throws SQLException {
        List<String> unreferenced = new ArrayList<>();
        if (checksums.isEmpty()) {
            return unreferenced;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT k FROM unnest(?::text[]) k WHERE NOT EXISTS"
                + " (SELECT 1 FROM staged_files WHERE checksum_sha256 = k) ORDER BY k")) {
            s.setArray(1, c.createArrayOf("text", checksums.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    unreferenced.add(r.getString(1));
                }
            }
        }
        return unreferenced;
    }

    private static void lock(Connection c, String checksum) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOCK)) {
            s.setString(1, checksum);
            s.executeQuery().close();
        }
    }

    private static int update(Connection c, String sql, UUID id) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<StagedFile> one(PreparedStatement s) throws SQLException {
        List<StagedFile> rows = all(s);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private static List<StagedFile> all(PreparedStatement s) throws SQLException {
        List<StagedFile> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                long seconds = r.getLong("ttl_seconds");
                OptionalLong ttl = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(seconds);
                rows.add(new StagedFile(r.getObject("id", UUID.class), new Principal(r.getString("principal")),
                        r.getString("checksum_sha256"), r.getString("name"), r.getLong("byte_size"),
                        Optional.ofNullable(r.getString("content_type")),
                        StagedFile.State.fromWire(r.getString("state")), r.getBoolean("persist"),
                        ttl,
                        instant(r, "expires_at"), instant(r, "created_at").orElseThrow(),
                        instant(r, "updated_at").orElseThrow()));
            }
        }
        return rows;
    }

    private static Optional<Instant> instant(ResultSet r, String column) throws SQLException {
        return Optional.ofNullable(r.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    private static Optional<Instant> instant(ResultSet r, int column) throws SQLException {
        return Optional.ofNullable(r.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
}
