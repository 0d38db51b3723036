package dev.stowage.functions.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ops.Check;
import dev.stowage.domain.port.OpsReport;
import dev.stowage.persistence.JdbcOpsReport;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.storage.DriftScan;
import org.junit.jupiter.api.Test;

/**
 * The operator report through its function's API Gateway handler, on real PostgreSQL: a database seeded with
 * one case of every drift, stuck work and residue kind (and near misses that are none of them) under a profile
 * of its own; the report finds exactly the seeded cases, counts states exactly, refuses non-operators and bad
 * filters, writes text, emits one EMF line, and every query it runs can use an index.
 */
class OpsFunctionTest {
    static final String PROFILE = "ops-test-" + UUID.randomUUID();
    static final String PRINCIPAL = "ops-test-owner-" + UUID.randomUUID();
    static final Map<String, String> OPERATOR = Map.of("sub", "ops", "scope", "openid stowage/operator");
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    /** The ids each check must report, by its code. */
    static final Map<String, Set<UUID>> EXPECTED = new HashMap<>();
    /** Rows seeded as near misses of some check: they must not show in any. */
    static final Set<UUID> NEAR_MISSES = new HashSet<>();
    static Connection db;

    @BeforeAll
    static void start() throws Exception {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        TestStack t = TestStack.get();
        db = DriverManager.getConnection(t.jdbcUrl(), t.dbUser(), t.dbPassword());
        seed();
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
        function.close();
    }

    static void expect(Check check, UUID id) {
        EXPECTED.computeIfAbsent(check.code(), c -> new HashSet<>()).add(id);
    }

    static void seed() throws Exception {
        // Uploads: a completed session whose asset stayed staged; two open sessions past expiry; a verifying lane
        // stuck an hour and one a minute old; an aborted session still holding its staged asset, an expired one
        // whose asset was purged, and a failed one that ended a minute ago.
        UUID a1 = asset("staged", "1 hour");
        expect(Check.COMPLETED_SESSION_ASSET_STAGED, session("completed", a1, "1 hour", "1 day"));
        expect(Check.OPEN_SESSION_PAST_EXPIRY, session("signed", asset("staged", "2 hours"), "2 hours", "-1 hour"));
        expect(Check.OPEN_SESSION_PAST_EXPIRY, session("uploading", asset("staged", "3 hours"), "3 hours", "-2 hours"));
        expect(Check.STUCK_UPLOADS, session("verifying", asset("staged", "1 hour"), "1 hour", "1 hour"));
        NEAR_MISSES.add(session("verifying", asset("staged", "1 minute"), "1 minute", "1 hour"));
        expect(Check.ENDED_SESSION_WITH_STAGED_ASSET, session("aborted", asset("staged", "1 hour"), "1 hour", "1 hour"));
        NEAR_MISSES.add(session("expired", null, "1 hour", "-1 hour"));
        NEAR_MISSES.add(session("failed", asset("staged", "1 minute"), "1 minute", "1 hour"));

        // Assets.
        UUID readyWithFailedVariant = asset("ready", "1 hour");
        variant(readyWithFailedVariant, "thumb", "ready", "1 hour");
        variant(readyWithFailedVariant, "medium", "failed", "1 hour");
        expect(Check.READY_ASSET_VARIANT_NOT_READY, readyWithFailedVariant);
        UUID readyAndAttached = asset("ready", "1 hour"); // a stale variant is served per policy: no drift
        NEAR_MISSES.add(variant(readyAndAttached, "thumb", "ready", "1 hour"));
        NEAR_MISSES.add(variant(readyAndAttached, "medium", "stale", "1 hour"));
        attach(readyAndAttached);
        NEAR_MISSES.add(readyAndAttached);
        UUID processingDone = asset("processing", "1 minute");
        variant(processingDone, "thumb", "ready", "1 minute");
        expect(Check.PROCESSING_ASSET_WITHOUT_WORK, processingDone);
        UUID processingQueued = asset("processing", "1 minute");
        NEAR_MISSES.add(processingQueued);
        NEAR_MISSES.add(variant(processingQueued, "thumb", "queued", "1 minute"));
        UUID quarantinedAttached = asset("quarantined", "1 minute");
        attach(quarantinedAttached);
        expect(Check.ATTACHED_ASSET_NOT_SERVABLE, quarantinedAttached);
        UUID attachedMarked = asset("ready", "1 minute");
        attach(attachedMarked);
        detached(attachedMarked, "1 hour");
        expect(Check.ATTACHED_ASSET_MARKED_DETACHED, attachedMarked);
        expect(Check.STUCK_ASSETS, asset("analyzing", "2 hours"));
        NEAR_MISSES.add(asset("analyzing", "1 minute"));
        UUID detachedLong = asset("ready", "3 hours");
        detached(detachedLong, "2 hours"); // past the 5 min grace plus 15 min
        expect(Check.DETACHED_ASSET_NOT_PURGED, detachedLong);
        UUID detachedNow = asset("ready", "1 minute");
        detached(detachedNow, "1 minute");
        NEAR_MISSES.add(detachedNow);
        // Never attached: past the 1 day grace plus 15 min (settled or quarantined), or younger, or still in flight
        // (verification's business: a stuck lane, not residue).
        expect(Check.UNATTACHED_ASSET_NOT_PURGED, asset("ready", "2 days"));
        expect(Check.UNATTACHED_ASSET_NOT_PURGED, asset("quarantined", "25 hours"));
        NEAR_MISSES.add(asset("ready", "23 hours"));
        expect(Check.STUCK_ASSETS, asset("promoting", "2 days"));
        UUID deleted = asset("deleted", "1 hour");
        expect(Check.DELETED_ASSET_NOT_REMOVED, deleted);

        // Variants: one planned for an asset not promoted yet; one processing for an hour (its asset has work).
        expect(Check.VARIANT_OF_UNPROMOTED_ASSET, variant(asset("validating", "1 minute"), "thumb", "planned", "1 minute"));
        UUID working = asset("processing", "1 minute");
        expect(Check.STUCK_VARIANTS, variant(working, "thumb", "processing", "1 hour"));

        // Provider uploads: a ready one of the deleted asset; one pending for an hour.
        expect(Check.PROVIDER_UPLOAD_OF_DELETED_ASSET, providerUpload(deleted, "ready", "1 minute"));
        expect(Check.STUCK_PROVIDER_UPLOADS, providerUpload(asset("ready", "1 hour"), "pending", "1 hour"));
        NEAR_MISSES.add(providerUpload(asset("ready", "1 minute"), "uploading", "1 minute"));

        // Exports and staged files have no profile: the test's own principal tells its rows apart.
        expect(Check.STUCK_EXPORTS, export("pending", "1 hour", "-1 day"));
        NEAR_MISSES.add(export("pending", "1 minute", "-1 day"));
        expect(Check.EXPIRED_EXPORT_NOT_PURGED, export("failed", "2 days", "1 hour"));
        expect(Check.STUCK_STAGED_FILES, stagedFile("pending", "1 hour", "-1 day", false));
        expect(Check.EXPIRED_STAGED_FILE_NOT_PURGED, stagedFile("present", "2 days", "1 hour", false));
        NEAR_MISSES.add(stagedFile("present", "2 days", null, true));
    }

    static UUID asset(String state, String ago) throws Exception {
        UUID id = UUID.randomUUID();
        boolean promoted = !Set.of("staged", "validating", "analyzing").contains(state);
        update("""
                INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key,
                       storage_key, content_type, quarantine_reason, created_at, updated_at, unattached_since)
                VALUES (?, ?, ?, ?, 'a.jpg', 'image/jpeg', 10, ?, ?, ?, ?, now() - ?::interval, now() - ?::interval,
                        now() - ?::interval)""",
                id, PRINCIPAL, PROFILE, state, "staging/" + id, promoted ? "assets/" + id : null,
                promoted ? "image/jpeg" : null, state.equals("quarantined") ? "type_mismatch" : null, ago, ago, ago);
        return id;
    }

    static UUID session(String state, UUID asset, String ago, String expiresIn) throws Exception {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO upload_sessions (id, owner, asset_id, profile, strategy, state, upload_key, filename,
                       content_type, byte_size, expires_at, failure_reason, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'presigned_put', ?, ?, 'a.jpg', 'image/jpeg', 10, now() + ?::interval, ?,
                        now() - ?::interval, now() - ?::interval)""",
                id, PRINCIPAL, asset, PROFILE, state, "staging/s-" + id, expiresIn,
                state.equals("failed") ? "checksum_mismatch" : null, ago, ago);
        return id;
    }

    static UUID variant(UUID asset, String name, String state, String ago) throws Exception {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO variants (id, asset_id, name, state, storage_key, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, now() - ?::interval, now() - ?::interval)""",
                id, asset, name, state, state.equals("ready") || state.equals("stale") ? "variants/" + id : null, ago, ago);
        return id;
    }

    static void attach(UUID asset) throws Exception {
        update("""
                INSERT INTO attachments (id, principal, owner_type, owner_id, slot, asset_id)
                VALUES (?, ?, 'post', ?, 'cover', ?)""", UUID.randomUUID(), PRINCIPAL, asset.toString(), asset);
        update("UPDATE assets SET unattached_since = NULL WHERE id = ?", asset); // as an attach does
    }

    /** Attached once, then its last attachment went. */
    static void detached(UUID asset, String ago) throws Exception {
        update("UPDATE assets SET detached_at = now() - ?::interval, unattached_since = NULL WHERE id = ?", ago, asset);
    }

    static UUID providerUpload(UUID asset, String state, String ago) throws Exception {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO provider_uploads (id, asset_id, principal, provider, state, created_at, updated_at)
                VALUES (?, ?, ?, 'mux', ?, now() - ?::interval, now() - ?::interval)""",
                id, asset, PRINCIPAL, state, ago, ago);
        return id;
    }

    static UUID export(String state, String ago, String expiredAgo) throws Exception {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO exports (id, principal, kind, filename, content_type, state, storage_key, failure_reason,
                       expires_at, created_at, format)
                VALUES (?, ?, 'inline', 'e.csv', 'text/csv', ?, ?, ?, now() - ?::interval, now() - ?::interval, 'csv')""",
                id, PRINCIPAL, state, "exports/" + id, state.equals("failed") ? "writer died" : null, expiredAgo, ago);
        return id;
    }

    static UUID stagedFile(String state, String ago, String expiredAgo, boolean persist) throws Exception {
        UUID id = UUID.randomUUID();
        String checksum = UUID.randomUUID().toString().replace("-", "").repeat(2);
        update("""
                INSERT INTO staged_files (id, principal, checksum_sha256, name, byte_size, storage_key, state, persist,
                       expires_at, ttl_seconds, created_at, updated_at)
                VALUES (?, ?, ?, 'n.txt', 1, ?, ?, ?, now() - ?::interval, ?, now() - ?::interval, now() - ?::interval)""",
                id, PRINCIPAL, checksum, "staged-files/" + checksum, state, persist, expiredAgo,
                persist ? null : 3600L, ago, ago);
        return id;
    }

    static void update(String sql, Object... params) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    ApiGatewayClient.Reply report(String query) {
        return api.callWithClaims(OPERATOR, "GET", "/v1/ops/status?" + query);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> group(ApiGatewayClient.Reply reply, String key) {
        return (Map<String, Object>) ((Map<String, Object>) reply.map().get("groups")).get(key);
    }

    /** Every finding of the report by code, with the seeded ids among its examples. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> findings(ApiGatewayClient.Reply reply) {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        for (Object g : ((Map<String, Object>) reply.map().get("groups")).values()) {
            for (String category : List.of("drift", "stuck", "residue")) {
                for (Object f : (List<Object>) ((Map<String, Object>) g).get(category)) {
                    Map<String, Object> finding = (Map<String, Object>) f;
                    all.put((String) finding.get("code"), finding);
                }
            }
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    static Set<UUID> ids(Map<String, Object> finding) {
        return ((List<Object>) finding.get("examples")).stream()
                .map(e -> UUID.fromString((String) ((Map<String, Object>) e).get("id"))).collect(Collectors.toSet());
    }

    static Set<UUID> seeded() {
        Set<UUID> all = new HashSet<>(NEAR_MISSES);
        EXPECTED.values().forEach(all::addAll);
        return all;
    }

    @Test
    void theReportFindsExactlyTheSeededDriftStuckWorkAndResidue() {
        var reply = report("profile=" + PROFILE + "&limit=100&olderThan=PT15M");
        assertEquals(200, reply.status(), reply.body());
        Map<String, Map<String, Object>> findings = findings(reply);
        assertEquals(Check.values().length, findings.size(), "every check answers, found or not");
        Set<UUID> ours = seeded();
        for (Check check : Check.values()) {
            Set<UUID> expected = EXPECTED.getOrDefault(check.code(), Set.of());
            Map<String, Object> finding = findings.get(check.code());
            Set<UUID> found = ids(finding);
            if (check.group().profiled()) {
                // The profile is this test's own: nothing else can be in it.
                assertEquals(expected, found, check.code());
                assertEquals(expected.size(), ((Number) finding.get("count")).intValue(), check.code());
            } else {
                // Exports and staged files of other tests may be in the database too: ours, and only ours.
                found.retainAll(ours);
                assertEquals(expected, found, check.code());
            }
        }
        Set<UUID> nearMissesFound = new HashSet<>();
        findings.values().forEach(f -> nearMissesFound.addAll(ids(f)));
        nearMissesFound.retainAll(NEAR_MISSES);
        assertEquals(Set.of(), nearMissesFound, "rows that are none of the checks' cases");
    }

    @Test
    void countsByStateAreExactAndOldestAgesAreReported() {
        var reply = report("profile=" + PROFILE);
        assertEquals(200, reply.status(), reply.body());
        Map<String, Object> uploads = group(reply, "uploads");
        assertEquals(Map.of("initialized", 0, "signed", 1, "resuming", 0, "uploading", 1, "uploaded", 0,
                "verifying", 2, "completed", 1, "aborted", 1, "expired", 1, "failed", 1), ints(uploads.get("counts")));
        assertEquals(8, ((Number) uploads.get("total")).intValue());
        assertEquals(true, uploads.get("profileFiltered"));
        long verifyingAge = ((Number) ((Map<?, ?>) uploads.get("oldestAgeSeconds")).get("verifying")).longValue();
        assertTrue(verifyingAge >= 3600 && verifyingAge < 3600 + 600, "oldest verifying: " + verifyingAge);
        assertEquals(Map.of("staged", 7, "validating", 1, "analyzing", 2, "promoting", 1, "available", 0,
                        "processing", 3, "ready", 9, "degraded", 0, "quarantined", 2, "deleted", 1),
                ints(group(reply, "assets").get("counts")));
        assertEquals(Map.of("planned", 1, "queued", 1, "processing", 1, "ready", 3, "stale", 1, "missing", 0,
                "failed", 1, "cancelled", 0, "purged", 0), ints(group(reply, "variants").get("counts")));
        assertEquals(Map.of("pending", 1, "uploading", 1, "processing", 0, "ready", 1, "errored", 0, "deleted", 0),
                ints(group(reply, "providerUploads").get("counts")));
        assertEquals(false, group(reply, "exports").get("profileFiltered"));
        assertEquals(10, ((Map<?, ?>) reply.map().get("filters")).get("limit"));
        assertEquals("PT15M", ((Map<?, ?>) reply.map().get("filters")).get("olderThan"));
    }

    @Test
    void examplesStopAtTheLimitWhileTheCountGoesOn() {
        var reply = report("profile=" + PROFILE + "&limit=1&olderThan=15m");
        assertEquals(200, reply.status(), reply.body());
        Map<String, Object> pastExpiry = findings(reply).get(Check.OPEN_SESSION_PAST_EXPIRY.code());
        assertEquals(1, ids(pastExpiry).size());
        assertEquals(2, ((Number) pastExpiry.get("count")).intValue());
        assertEquals(false, pastExpiry.get("capped"));
        // Oldest first: the session that expired two hours ago.
        assertTrue(EXPECTED.get(pastExpiry.get("code")).containsAll(ids(pastExpiry)));
        // A longer olderThan leaves the one-hour-old stuck lane out.
        var patient = report("profile=" + PROFILE + "&olderThan=3h");
        assertEquals(0, ((Number) findings(patient).get(Check.STUCK_UPLOADS.code()).get("count")).intValue());
        assertEquals(1, ((Number) findings(patient).get(Check.COMPLETED_SESSION_ASSET_STAGED.code()).get("count"))
                .intValue(), "drift is drift at any age");
    }

    @Test
    void onlyAnOperatorGetsTheReport() {
        var plain = api.callWithClaims(Map.of("sub", "alice", "scope", "openid profile"), "GET", "/v1/ops/status");
        assertEquals(403, plain.status(), plain.body());
        assertEquals("forbidden", plain.string("code"));
        var lookalike = api.callWithClaims(Map.of("sub", "mallory", "scope", "stowage/operators"), "GET",
                "/v1/ops/status");
        assertEquals(403, lookalike.status(), lookalike.body());
        var anonymous = api.call(null, "GET", "/v1/ops/status", "");
        assertEquals(401, anonymous.status(), anonymous.body());
        // API Gateway hands a list claim over as "[a b]".
        var listed = api.callWithClaims(Map.of("sub", "ops", "scope", "[openid stowage/operator]"), "GET",
                "/v1/ops/status?profile=" + PROFILE);
        assertEquals(200, listed.status(), listed.body());
    }

    @Test
    void badFiltersAreProblemsWithStableCodes() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("olderThan=soon", "invalid_duration");
        cases.put("olderThan=-5m", "invalid_duration");
        cases.put("olderThan=PT0S", "invalid_duration");
        cases.put("limit=0", "invalid_field");
        cases.put("limit=101", "invalid_field");
        cases.put("limit=many", "invalid_field");
        cases.put("format=xml", "unknown_format");
        cases.put("profile=%20", "invalid_field");
        cases.put("profile=" + "p".repeat(101), "invalid_field");
        cases.forEach((query, code) -> {
            var reply = report(query);
            assertEquals(422, reply.status(), query + ": " + reply.body());
            assertEquals("application/problem+json", reply.contentType(), query);
            assertEquals(code, reply.string("code"), query);
        });
    }

    @Test
    void textFormatIsACompactPlainReport() {
        var reply = report("profile=" + PROFILE + "&format=text&limit=5");
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
        String text = reply.body();
        assertTrue(text.contains("(profile " + PROFILE + ", stuck after 15m, 5 examples)"), text);
        assertTrue(text.contains("drift completed_session_asset_staged: 1"), text);
        UUID completed = EXPECTED.get(Check.COMPLETED_SESSION_ASSET_STAGED.code()).iterator().next();
        assertTrue(text.contains(completed + " completed "), text);
        assertTrue(text.contains("uploads: 8 total"), text);
        assertTrue(text.contains("exports: ") && text.contains("(all profiles)"), text);
        assertFalse(text.contains("{"), "not JSON: " + text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStorageGroupShowsTheLastCompletedDriftPass() {
        // The purger's scan (PurgerHandlerTest drives it over real objects) saves its findings in V11's row;
        // here a completed pass is saved through the same port, ten minutes ago, and the report reads it back.
        var drift = function.getApplicationContext().getBean(StorageDrift.class);
        Instant ended = Instant.now().minus(Duration.ofMinutes(10));
        var found = new DriftScan.Tally(3, 2, 1, 4, List.of("orphan_kept variants/x/thumb-old.jpg"));
        DriftScan before = drift.load();
        assertEquals(DriftScan.initial().prefix(), before.prefix(), "no scan runs in this module's tests");
        DriftScan pass = before.advance(Optional.empty(), found, ended.minusSeconds(5)) // assets/ done
                .advance(Optional.empty(), DriftScan.Tally.NONE, ended);                // variants/ done
        assertEquals(found, pass.last().orElseThrow().tally());
        assertTrue(drift.save(before, pass));
        assertFalse(drift.save(before, pass), "a save from a stale state is refused: another run moved it");

        var reply = report("profile=" + PROFILE);
        assertEquals(200, reply.status(), reply.body());
        Map<String, Object> storage = (Map<String, Object>) reply.map().get("storage");
        long age = ((Number) storage.get("lastPassCompletedAgeSeconds")).longValue();
        assertTrue(age >= 600 && age < 1200, "last pass age: " + age);
        assertEquals(3, ((Number) storage.get("orphanObjects")).intValue());
        assertEquals(2, ((Number) storage.get("orphansDeleted")).intValue());
        assertEquals(5, ((Number) storage.get("missingObjects")).intValue());
        assertEquals(4, ((Number) storage.get("variantsMarkedMissing")).intValue());
        assertEquals(List.of("orphan_kept variants/x/thumb-old.jpg"), storage.get("examples"));
        assertEquals("assets/", storage.get("scanning"), "a new pass starts at the beginning of assets/");

        String text = report("profile=" + PROFILE + "&format=text").body();
        assertTrue(text.contains("storage: last drift pass ended 10m"), text);
        assertTrue(text.contains("3 orphan objects (2 deleted), 5 missing objects; scanning at assets/"), text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachReportWritesOneEmfLineWithItsGauges() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ApiGatewayClient.Reply reply;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            reply = report("profile=" + PROFILE);
        } finally {
            System.setOut(original);
        }
        assertEquals(200, reply.status(), reply.body());
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"_aws\""))
                .toList();
        assertEquals(1, lines.size(), "EMF lines: " + lines);
        Map<String, Object> emf = api.decode(lines.getFirst(), Map.class);
        Map<String, Object> aws = (Map<String, Object>) emf.get("_aws");
        Map<String, Object> directive = (Map<String, Object>) ((List<Object>) aws.get("CloudWatchMetrics")).getFirst();
        assertEquals("Stowage", directive.get("Namespace"));
        assertEquals(Set.of("Source", "Profile"), Set.copyOf((List<Object>) ((List<Object>) directive.get("Dimensions")).getFirst()));
        assertEquals("ops-report", emf.get("Source"));
        assertEquals(PROFILE, emf.get("Profile"));
        List<Object> metrics = (List<Object>) directive.get("Metrics");
        assertTrue(metrics.size() <= 100, "CloudWatch takes 100 metrics per directive: " + metrics.size());
        for (Object m : metrics) {
            String name = (String) ((Map<String, Object>) m).get("Name");
            assertTrue(emf.get(name) instanceof Number, "no value for " + name);
        }
        assertEquals(2, ((Number) emf.get("uploads.verifying")).intValue());
        assertEquals(3, ((Number) emf.get("uploads.stuck")).intValue()); // two past expiry, one lane
        assertEquals(1, ((Number) emf.get("check.completed_session_asset_staged")).intValue());
        assertEquals(4, ((Number) emf.get("assets.drift")).intValue());
    }

    /** Partial indexes: their predicate is the condition, so a scan of one without an Index Cond is bounded. */
    static final Set<String> PARTIAL_INDEXES = Set.of("assets_staged_updated_idx", "assets_detached_idx",
            "assets_deleted_idx", "exports_pending_idx", "upload_sessions_residue_idx");
    static final java.util.regex.Pattern INDEX_SCAN =
            java.util.regex.Pattern.compile("(?:Index Scan|Index Only Scan) using (\\w+)|Bitmap Index Scan on (\\w+)");

    @Test
    void everyQueryOfTheReportCanUseAnIndex() {
        // With sequential scans disabled, a query that still has one has no index to use; and a scan of a whole
        // index (no Index Cond) is only fair for the exact counts by state, or on a partial index.
        JdbcOpsReport report = function.getApplicationContext().getBean(JdbcOpsReport.class);
        Instant now = Instant.now();
        List<String> unindexed = new ArrayList<>();
        for (Optional<String> profile : List.of(Optional.<String>empty(), Optional.of(PROFILE))) {
            var criteria = new OpsReport.Criteria(profile, now, now.minusSeconds(900), now.minusSeconds(1200),
                    now.minusSeconds(87_300));
            report.plans(criteria, 10).forEach((label, plan) -> {
                String where = label + (profile.isPresent() ? " (profile)" : "") + ":\n" + plan;
                // The state-count log is the one table read whole: unindexed on purpose (writers only append to
                // it) and kept short by the purger's fold.
                if (plan.lines().anyMatch(line -> line.contains("Seq Scan")
                        && !line.contains("Seq Scan on state_count_changes"))) {
                    unindexed.add(where);
                }
                List<String> lines = plan.lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    var scan = INDEX_SCAN.matcher(lines.get(i));
                    if (!scan.find() || label.startsWith("count ")) {
                        continue;
                    }
                    String index = scan.group(1) != null ? scan.group(1) : scan.group(2);
                    boolean bounded = PARTIAL_INDEXES.contains(index);
                    for (int j = i + 1; j < lines.size() && !lines.get(j).contains("->"); j++) {
                        bounded |= lines.get(j).contains("Index Cond");
                    }
                    if (!bounded) {
                        unindexed.add("whole index " + index + " in " + where);
                    }
                }
            });
        }
        assertEquals(List.of(), unindexed, "queries with no index to narrow them");
    }

    private static Map<String, Integer> ints(Object counts) {
        Map<String, Integer> out = new HashMap<>();
        ((Map<?, ?>) counts).forEach((k, v) -> out.put((String) k, ((Number) v).intValue()));
        return out;
    }
}
