package dev.stowage.persistence;

import dev.stowage.domain.ops.Check;
import dev.stowage.domain.ops.ReportGroup;
import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.port.OpsReport;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator report's queries in plain SQL, read-only. Counts by state are read from the totals V14's
 * triggers keep, never counted from the tables. Each check selects {@code id, state, since, detail} ordered by
 * {@code since}, every table reached through an index (the plans are checked in OpsFunctionTest), and is run
 * with a LIMIT; a profile condition is added last, on the asset or session that carries the profile.
 */
@Singleton
public class JdbcOpsReport implements OpsReport {
    private static final String SESSION_LEASE = "CASE WHEN s.lease_until IS NULL THEN 'no lease'"
            + " WHEN s.lease_until < now() THEN 'lease ran out' ELSE 'lease held' END ";
    private static final String ASSET_LEASE = SESSION_LEASE.replace("s.lease", "a.lease");
    private static final String VARIANT_LEASE = SESSION_LEASE.replace("s.lease", "v.lease");

    private final TransactionOperations<Connection> tx;

    public JdbcOpsReport(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /** A statement with its parameters, the profile's (if any) last; a {@code String[]} binds as a text array. */
    public record Query(String sql, List<Object> params) {}

    /**
     * Where a group's rows live: the FROM clause, the state and age columns, the alias carrying the profile, and
     * the machine its counts are kept under in {@code state_counts} (V14).
     */
    private record Table(String from, String state, String since, String profileAlias, String machine) {}

    private static Table table(ReportGroup group, boolean profiled) {
        return switch (group) {
            case UPLOADS -> new Table("upload_sessions s", "s.state", "s.updated_at", "s", "upload");
            case ASSETS -> new Table("assets a", "a.state", "a.updated_at", "a", "asset");
            case VARIANTS -> new Table(profiled ? "variants v JOIN assets a ON a.id = v.asset_id" : "variants v",
                    "v.state", "v.updated_at", "a", "variant");
            case PROVIDER_UPLOADS -> new Table(profiled ? "provider_uploads p JOIN assets a ON a.id = p.asset_id"
                    : "provider_uploads p", "p.state", "p.updated_at", "a", "provider_upload");
            case EXPORTS -> new Table("exports e", "e.state", "e.created_at", null, "export");
            case STAGED_FILES -> new Table("staged_files f", "f.state", "f.updated_at", null, "staged_file");
        };
    }

    /** The kept totals plus the changes not folded yet, summed in one statement (one snapshot). */
    @Override
    public Map<String, Long> countByState(ReportGroup group, Optional<String> profile) {
        Map<String, Long> counts = new HashMap<>();
        run(countQuery(group, profile), r -> counts.put(r.getString(1), r.getLong(2)));
        return counts;
    }

    private static Query countQuery(ReportGroup group, Optional<String> profile) {
        String machine = table(group, false).machine();
        String narrow = profile.isPresent() ? " AND profile = ?" : "";
        List<Object> params = new ArrayList<>();
        params.add(machine);
        profile.ifPresent(params::add);
        params.add(machine);
        profile.ifPresent(params::add);
        return new Query("SELECT state, sum(n)::bigint FROM (SELECT state, n FROM state_counts WHERE machine = ?"
                + narrow + " UNION ALL SELECT state, delta FROM state_count_changes WHERE machine = ?" + narrow
                + ") kept GROUP BY state HAVING sum(n) <> 0", params);
    }

    @Override
    public Optional<Instant> oldest(ReportGroup group, String state, Optional<String> profile) {
        List<Instant> found = new ArrayList<>();
        run(oldestQuery(group, state, profile), r -> found.add(r.getTimestamp(1).toInstant()));
        return found.stream().findFirst();
    }

    private static Query oldestQuery(ReportGroup group, String state, Optional<String> profile) {
        Table t = table(group, profile.isPresent());
        return withProfile(profile, t.profileAlias(), "SELECT " + t.since() + " FROM " + t.from() + " WHERE "
                + t.state() + " = ? %s ORDER BY " + t.since() + " LIMIT 1", state);
    }

    @Override
    public Found find(Check check, Criteria criteria, int limit, int cap) {
        List<Row> rows = new ArrayList<>();
        long[] count = {0};
        run(findQuery(check, criteria, limit, cap), r -> {
            rows.add(new Row(r.getObject(1, UUID.class), r.getString(2), r.getTimestamp(3).toInstant(),
                    r.getString(4)));
            count[0] = r.getLong(5);
        });
        return new Found(rows, count[0]);
    }

    /** The first {@code limit} of the check's rows, each with how many it finds up to {@code cap}: one walk. */
    private static Query findQuery(Check check, Criteria criteria, int limit, int cap) {
        Query q = query(check, criteria);
        List<Object> params = new ArrayList<>(q.params());
        params.add(cap);
        params.add(limit);
        return new Query("SELECT f.*, count(*) OVER () FROM (" + q.sql() + " LIMIT ?) AS f(id, state, since, detail)"
                + " ORDER BY f.since LIMIT ?", params);
    }

    /**
     * Every statement the report runs for these criteria, by label (the oldest-row lookups for each group's
     * first transient state), with its parameters bound as the report binds them: what {@link #plans} explains,
     * and what the benchmark explains with ANALYZE on real volumes.
     */
    public Map<String, Query> queries(Criteria criteria, int limit) {
        Map<String, Query> queries = new LinkedHashMap<>();
        for (ReportGroup group : ReportGroup.values()) {
            Optional<String> profile = group.profiled() ? criteria.profile() : Optional.empty();
            String state = group.transientStates().getFirst();
            queries.put("count " + group.key(), countQuery(group, profile));
            queries.put("oldest " + group.key() + " (" + state + ")", oldestQuery(group, state, profile));
        }
        for (Check check : Check.values()) {
            queries.put(check.code(), findQuery(check, criteria, limit, RuntimeStatus.COUNT_CAP + 1));
        }
        return queries;
    }

    /**
     * The plan of every query the report runs for these criteria, by label, with sequential scans disabled: a
     * plan that still scans a table sequentially has no index to use (OpsFunctionTest; bench on real volumes).
     */
    public Map<String, String> plans(Criteria criteria, int limit) {
        Map<String, Query> queries = queries(criteria, limit);
        Map<String, String> plans = new LinkedHashMap<>();
        queries.forEach((label, q) -> {
            StringBuilder plan = new StringBuilder();
            run(new Query("EXPLAIN " + q.sql(), q.params()), r -> plan.append(r.getString(1)).append('\n'), true);
            plans.put(label, plan.toString());
        });
        return plans;
    }

    private static Query query(Check check, Criteria c) {
        Optional<String> p = c.profile();
        Timestamp stuck = Timestamp.from(c.stuckBefore());
        Timestamp detached = Timestamp.from(c.detachedBefore());
        Timestamp unattached = Timestamp.from(c.unattachedBefore());
        return switch (check) {
            // Drift checks start from the side that stays small (staged, unpromoted or unfinished rows), which a
            // LATERAL subquery (OFFSET 0 keeps the planner from flattening it into a join it may hash) or a
            // MATERIALIZED CTE holds the planner to: walking the big side (completed sessions,
            // ready assets) by its index until LIMIT matches, or hashing all of it, read hundreds of thousands of
            // rows on a large database (bench (j)).
            case COMPLETED_SESSION_ASSET_STAGED -> withProfile(p, "a", """
                    SELECT s.id, s.state, s.updated_at, 'asset ' || a.id || ' is staged'
                      FROM assets a CROSS JOIN LATERAL (SELECT s.id, s.state, s.updated_at FROM upload_sessions s
                                                         WHERE s.asset_id = a.id AND s.state = 'completed'
                                                        OFFSET 0) s
                     WHERE a.state = 'staged' %s ORDER BY s.updated_at""");
            case OPEN_SESSION_PAST_EXPIRY -> withProfile(p, "s", """
                    SELECT s.id, s.state, s.expires_at, 'open past its expiry (' || s.strategy || ')'
                      FROM upload_sessions s
                     WHERE s.state NOT IN ('completed', 'aborted', 'expired', 'failed') AND s.expires_at < ? %s
                     ORDER BY s.expires_at""", stuck);
            case STUCK_UPLOADS -> withProfile(p, "s", "SELECT s.id, s.state, s.updated_at, " + SESSION_LEASE + """
                     FROM upload_sessions s WHERE s.state = ANY(?) AND s.updated_at < ? %s ORDER BY s.updated_at""",
                    states(check), stuck);
            case ENDED_SESSION_WITH_STAGED_ASSET -> withProfile(p, "s", """
                    SELECT s.id, s.state, s.updated_at, 'asset ' || s.asset_id || ' not purged'
                      FROM upload_sessions s
                     WHERE s.state IN ('aborted', 'expired', 'failed') AND s.asset_id IS NOT NULL AND s.updated_at < ?
                           %s ORDER BY s.updated_at""", stuck);
            case READY_ASSET_VARIANT_NOT_READY -> withProfile(p, "a", """
                    WITH v AS MATERIALIZED (SELECT v.asset_id, v.name, v.state FROM variants v
                                             WHERE v.state IN ('planned', 'queued', 'processing', 'failed', 'cancelled'))
                    SELECT a.id, a.state, a.updated_at, 'variant ' || v.name || ' is ' || v.state
                      FROM v JOIN assets a ON a.id = v.asset_id
                     WHERE a.state = 'ready' %s ORDER BY a.updated_at""");
            case PROCESSING_ASSET_WITHOUT_WORK -> withProfile(p, "a", """
                    SELECT a.id, a.state, a.updated_at, 'no planned, queued or processing variant'
                      FROM assets a
                     WHERE a.state = 'processing' AND NOT EXISTS (SELECT 1 FROM variants v WHERE v.asset_id = a.id
                           AND v.state IN ('planned', 'queued', 'processing')) %s ORDER BY a.updated_at""");
            case ATTACHED_ASSET_NOT_SERVABLE -> withProfile(p, "a", """
                    SELECT a.id, a.state, a.updated_at, 'attached at slot ' || t.slot || ' but ' || a.state
                      FROM assets a JOIN attachments t ON t.asset_id = a.id
                     WHERE a.state IN ('staged', 'validating', 'analyzing', 'promoting', 'quarantined', 'deleted')
                           %s ORDER BY a.updated_at""");
            case ATTACHED_ASSET_MARKED_DETACHED -> withProfile(p, "a", """
                    SELECT a.id, a.state, a.detached_at, 'attached, yet marked detached'
                      FROM assets a
                     WHERE a.detached_at IS NOT NULL AND EXISTS (SELECT 1 FROM attachments t WHERE t.asset_id = a.id)
                           %s ORDER BY a.detached_at""");
            case STUCK_ASSETS -> withProfile(p, "a", "SELECT a.id, a.state, a.updated_at, " + ASSET_LEASE + """
                     FROM assets a WHERE a.state = ANY(?) AND a.updated_at < ? %s ORDER BY a.updated_at""",
                    states(check), stuck);
            case DETACHED_ASSET_NOT_PURGED -> withProfile(p, "a", """
                    SELECT a.id, a.state, a.detached_at, 'detached, not purged'
                      FROM assets a
                     WHERE a.detached_at < ? AND a.state <> 'deleted'
                       AND NOT EXISTS (SELECT 1 FROM attachments t WHERE t.asset_id = a.id) %s
                     ORDER BY a.detached_at""", detached);
            case UNATTACHED_ASSET_NOT_PURGED -> withProfile(p, "a", """
                    SELECT a.id, a.state, a.unattached_since, 'never attached, not purged'
                      FROM assets a
                     WHERE a.unattached_since < ?
                       AND a.state IN ('available', 'processing', 'ready', 'degraded', 'quarantined')
                       AND NOT EXISTS (SELECT 1 FROM attachments t WHERE t.asset_id = a.id) %s
                     ORDER BY a.unattached_since""", unattached);
            case DELETED_ASSET_NOT_REMOVED -> withProfile(p, "a", """
                    SELECT a.id, a.state, a.updated_at, 'deleted, row and objects not removed'
                      FROM assets a WHERE a.state = 'deleted' AND a.updated_at < ? %s ORDER BY a.updated_at""", stuck);
            case VARIANT_OF_UNPROMOTED_ASSET -> withProfile(p, "a", """
                    SELECT v.id, v.state, v.updated_at, 'variant ' || v.name || ' of asset ' || a.id || ', ' || a.state
                      FROM assets a CROSS JOIN LATERAL (SELECT v.id, v.name, v.state, v.updated_at FROM variants v
                                                         WHERE v.asset_id = a.id OFFSET 0) v
                     WHERE a.state IN ('staged', 'validating', 'analyzing', 'promoting') %s ORDER BY v.updated_at""");
            case STUCK_VARIANTS -> withProfile(p, "a", "SELECT v.id, v.state, v.updated_at, 'variant ' || v.name"
                    + " || ', ' || v.attempts || ' attempt(s), ' || " + VARIANT_LEASE + " FROM variants v"
                    // the stuck variants first, then each one's asset: not every asset of the profile first
                    + (p.isPresent() ? " CROSS JOIN LATERAL (SELECT a.profile FROM assets a WHERE a.id = v.asset_id"
                            + " OFFSET 0) a" : "")
                    + " WHERE v.state = ANY(?) AND v.updated_at < ? %s ORDER BY v.updated_at", states(check), stuck);
            case PROVIDER_UPLOAD_OF_DELETED_ASSET -> withProfile(p, "a", """
                    SELECT u.id, u.state, u.updated_at, 'asset ' || a.id || ' is deleted'
                      FROM assets a JOIN provider_uploads u ON u.asset_id = a.id
                     WHERE a.state = 'deleted' AND u.state <> 'deleted' %s ORDER BY u.updated_at""");
            case STUCK_PROVIDER_UPLOADS -> withProfile(p, "a", "SELECT u.id, u.state, u.updated_at, u.provider"
                    + " FROM provider_uploads u" + (p.isPresent() ? " JOIN assets a ON a.id = u.asset_id" : "")
                    + " WHERE u.state = ANY(?) AND u.updated_at < ? %s ORDER BY u.updated_at", states(check), stuck);
            case STUCK_EXPORTS -> plain("""
                    SELECT e.id, e.state, e.created_at, 'export ' || e.kind || ' still being written'
                      FROM exports e WHERE e.state = 'pending' AND e.created_at < ? ORDER BY e.created_at""", stuck);
            case EXPIRED_EXPORT_NOT_PURGED -> plain("""
                    SELECT e.id, e.state, e.expires_at, 'expired, not purged'
                      FROM exports e WHERE e.expires_at < ? ORDER BY e.expires_at""", stuck);
            case STUCK_STAGED_FILES -> plain("""
                    SELECT f.id, f.state, f.updated_at, 'upload not confirmed'
                      FROM staged_files f WHERE f.state = 'pending' AND f.updated_at < ? ORDER BY f.updated_at""",
                    stuck);
            case EXPIRED_STAGED_FILE_NOT_PURGED -> plain("""
                    SELECT f.id, f.state, f.expires_at, 'expired, not purged'
                      FROM staged_files f WHERE NOT f.persist AND f.expires_at < ? ORDER BY f.expires_at""", stuck);
        };
    }

    private static String[] states(Check check) {
        return check.group().stuckStates().toArray(String[]::new);
    }

    private static Query plain(String sql, Object... params) {
        return new Query(sql, List.of(params));
    }

    /** Fills the query's {@code %s} with the profile condition on {@code alias} (its parameter last), or nothing. */
    private static Query withProfile(Optional<String> profile, String alias, String sql, Object... params) {
        List<Object> all = new ArrayList<>(List.of(params));
        String condition = "";
        if (profile.isPresent() && alias != null) {
            condition = "AND " + alias + ".profile = ?";
            all.add(profile.get());
        }
        return new Query(sql.formatted(condition), all);
    }

    private interface RowReader {
        void read(ResultSet r) throws SQLException;
    }

    private void run(Query q, RowReader reader) {
        run(q, reader, false);
    }

    private void run(Query q, RowReader reader, boolean withoutSeqScans) {
        tx.executeRead(status -> {
            Connection c = status.getConnection();
            if (withoutSeqScans) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL enable_seqscan = off");
                }
            }
            try (PreparedStatement s = c.prepareStatement(q.sql())) {
                for (int i = 0; i < q.params().size(); i++) {
                    Object value = q.params().get(i);
                    s.setObject(i + 1, value instanceof String[] array ? c.createArrayOf("text", array) : value);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        reader.read(r);
                    }
                }
            }
            return null;
        });
    }
}
