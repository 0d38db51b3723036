package dev.stowage.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.MediaKind;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.state.Transitions;
import dev.stowage.domain.streaming.ProviderUploadState;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.UploadStrategy;
import dev.stowage.domain.variant.VariantState;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL adapters and the schema's guards, against a real server. */
class LedgerTest {
    static ApplicationContext context;
    static JdbcUploadSessions sessions;
    static JdbcAssets assets;
    final Principal alice = new Principal("alice-" + UUID.randomUUID());

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        sessions = context.getBean(JdbcUploadSessions.class);
        assets = context.getBean(JdbcAssets.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static Connection raw() throws SQLException {
        return TestStack.get().connect();
    }

    UploadSession newSession(Principal owner) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = UUID.randomUUID();
        UUID assetId = UUID.randomUUID();
        String key = "staging/" + id + "/a.jpg";
        UploadSession s = new UploadSession(id, owner, Optional.of(assetId), "image", UploadStrategy.PRESIGNED_PUT,
                UploadState.INITIALIZED, key, "a.jpg", "image/jpeg", 10, Optional.empty(), Optional.empty(),
                Optional.empty(), now.plusSeconds(3600), Optional.empty(), now, now);
        sessions.insertWithAsset(s, Asset.staged(assetId, owner, "image", "a.jpg", "image/jpeg", 10,
                Optional.empty(), key, now));
        return s;
    }

    @Test
    void databaseTransitionTableEqualsTheDomainStateMachines() throws SQLException {
        Set<String> inDatabase = new HashSet<>();
        try (Connection c = raw(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT machine, from_state, to_state FROM state_transitions")) {
            while (rs.next()) {
                inDatabase.add(rs.getString(1) + ":" + rs.getString(2) + "->" + rs.getString(3));
            }
        }
        Set<String> inDomain = new HashSet<>();
        addAll(inDomain, "upload_session", UploadState.class, UploadState.TRANSITIONS);
        addAll(inDomain, "asset", AssetState.class, AssetState.TRANSITIONS);
        addAll(inDomain, "variant", VariantState.class, VariantState.TRANSITIONS);
        addAll(inDomain, "provider_upload", ProviderUploadState.class, ProviderUploadState.TRANSITIONS);
        assertEquals(inDomain, inDatabase);
    }

    static <S extends Enum<S>> void addAll(Set<String> into, String machine, Class<S> type, Transitions<S> t) {
        for (S from : type.getEnumConstants()) {
            for (S to : t.nextOf(from)) {
                into.add(machine + ":" + from.name().toLowerCase() + "->" + to.name().toLowerCase());
            }
        }
    }

    @Test
    void theDatabaseRefusesAnIllegalTransitionEvenFromRawSql() throws SQLException {
        UploadSession s = newSession(alice);
        try (Connection c = raw()) {
            var e = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate(
                    "UPDATE assets SET state = 'ready' WHERE id = '" + s.requireAssetId() + "'"));
            assertEquals("23514", e.getSQLState(), e.getMessage());
        }
        assertEquals(AssetState.STAGED, assets.findById(s.requireAssetId()).orElseThrow().state());
    }

    @Test
    void anUnknownStateIsRefusedByTheCheckConstraint() throws SQLException {
        UploadSession s = newSession(alice);
        try (Connection c = raw()) {
            var e = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate(
                    "UPDATE upload_sessions SET state = 'bogus' WHERE id = '" + s.id() + "'"));
            assertEquals("23514", e.getSQLState());
        }
    }

    @Test
    void concurrentCompareAndSetLetsExactlyOneCallerWin() throws Exception {
        UploadSession s = newSession(alice);
        assertTrue(sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED));
        List<Callable<Boolean>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(() -> sessions.transition(s.id(), EnumSet.of(UploadState.SIGNED, UploadState.UPLOADING),
                    UploadState.VERIFYING));
        }
        int winners = 0;
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> f : pool.invokeAll(racers)) {
                winners += f.get() ? 1 : 0;
            }
        }
        assertEquals(1, winners);
        assertEquals(UploadState.VERIFYING, sessions.findById(s.id()).orElseThrow().state());
    }

    @Test
    void completeMovesTheSessionAndItsAssetTogetherAndOnlyOnce() {
        UploadSession s = newSession(alice);
        sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
        sessions.transition(s.id(), EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING);
        assertTrue(sessions.complete(s.id(), s.requireAssetId()));
        assertFalse(sessions.complete(s.id(), s.requireAssetId()));
        assertEquals(UploadState.COMPLETED, sessions.findById(s.id()).orElseThrow().state());
        assertEquals(AssetState.VALIDATING, assets.findById(s.requireAssetId()).orElseThrow().state());
    }

    @Test
    void aFailedInsertLeavesNeitherSessionNorAsset() {
        UploadSession first = newSession(alice);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID assetId = UUID.randomUUID();
        // Same upload key as the first session: the session insert fails after the asset insert ran.
        UploadSession clash = new UploadSession(UUID.randomUUID(), alice, Optional.of(assetId), "image",
                UploadStrategy.PRESIGNED_PUT, UploadState.INITIALIZED, first.uploadKey(), "a.jpg", "image/jpeg", 10,
                Optional.empty(), Optional.empty(), Optional.empty(), now.plusSeconds(60), Optional.empty(), now, now);
        assertThrows(RuntimeException.class, () -> sessions.insertWithAsset(clash, Asset.staged(assetId, alice,
                "image", "a.jpg", "image/jpeg", 10, Optional.empty(), "staging/other/" + assetId, now)));
        assertTrue(assets.findById(assetId).isEmpty(), "the asset insert must have been rolled back");
    }

    @Test
    void readsAreScopedToTheOwner() {
        UploadSession s = newSession(alice);
        Principal mallory = new Principal("mallory");
        assertTrue(sessions.find(s.id(), alice).isPresent());
        assertTrue(sessions.find(s.id(), mallory).isEmpty());
        assertTrue(assets.find(s.requireAssetId(), mallory).isEmpty());
    }

    @Test
    void purgingADeadSessionsStagedAssetKeepsTheSessionRecord() {
        UploadSession s = newSession(alice);
        assertTrue(sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.ABORTED));
        assertEquals(List.of(s.id()), sessions.findResidue(Optional.empty(), 10_000).stream().map(UploadSession::id)
                .filter(s.id()::equals).toList());
        assertTrue(assets.deleteStaged(s.requireAssetId()));
        UploadSession after = sessions.findById(s.id()).orElseThrow();
        assertEquals(UploadState.ABORTED, after.state());
        assertTrue(after.assetId().isEmpty());
        assertTrue(sessions.findResidue(Optional.empty(), 10_000).stream().noneMatch(r -> r.id().equals(s.id())));
    }

    @Test
    void manySessionsMoveInOneCompareAndSetAndOnlyThoseStillInAFromStateMove() {
        UploadSession open = newSession(alice);
        UploadSession signed = newSession(alice);
        assertTrue(sessions.transition(signed.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED));
        UploadSession claimed = newSession(alice); // a complete claimed it first: the expiry must leave it alone
        assertTrue(sessions.transition(claimed.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED));
        assertTrue(sessions.transition(claimed.id(), EnumSet.of(UploadState.SIGNED), UploadState.UPLOADED));
        List<UUID> ids = List.of(open.id(), signed.id(), claimed.id());
        Set<UploadState> openStates = EnumSet.of(UploadState.INITIALIZED, UploadState.SIGNED);

        assertEquals(Set.of(open.id(), signed.id()), sessions.transitionAll(ids, openStates, UploadState.EXPIRED));

        assertEquals(UploadState.EXPIRED, sessions.findById(open.id()).orElseThrow().state());
        assertEquals(UploadState.EXPIRED, sessions.findById(signed.id()).orElseThrow().state());
        assertEquals(UploadState.UPLOADED, sessions.findById(claimed.id()).orElseThrow().state());
        assertEquals(Set.of(), sessions.transitionAll(ids, openStates, UploadState.EXPIRED), "a replay moves nothing");
        assertEquals(Set.of(), sessions.transitionAll(List.of(), openStates, UploadState.EXPIRED));
        assertThrows(IllegalArgumentException.class,
                () -> sessions.transitionAll(ids, EnumSet.of(UploadState.EXPIRED), UploadState.SIGNED));
    }

    @Test
    void residueIsReadInIdOrderPageAfterPageAndItsStagedAssetsGoInOneStatement() {
        List<UploadSession> ours = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UploadSession s = newSession(alice);
            assertTrue(sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.ABORTED));
            ours.add(s);
        }
        Set<UUID> ourIds = new HashSet<>(ours.stream().map(UploadSession::id).toList());
        // Other tests' residue shares the database: pages of 2 walk all of it, each session once, in id order
        // (PostgreSQL orders uuids by their bytes, as their text compares).
        List<String> walked = new ArrayList<>();
        Optional<UUID> after = Optional.empty();
        for (List<UploadSession> page = sessions.findResidue(after, 2); !page.isEmpty();
             page = sessions.findResidue(after, 2)) {
            assertTrue(page.size() <= 2);
            page.forEach(s -> walked.add(s.id().toString()));
            after = Optional.of(page.getLast().id());
        }
        assertEquals(walked.stream().sorted().distinct().toList(), walked, "ascending, each once");
        assertTrue(walked.containsAll(ourIds.stream().map(UUID::toString).toList()), walked.toString());

        UploadSession promoted = newSession(alice); // its asset is past staged: never deleted as residue
        assertTrue(assets.transition(promoted.requireAssetId(), AssetState.STAGED, AssetState.VALIDATING));
        List<UUID> assetIds = new ArrayList<>(ours.stream().map(UploadSession::requireAssetId).toList());
        assetIds.add(promoted.requireAssetId());

        assertEquals(5, assets.deleteStaged(assetIds));

        assertTrue(sessions.findResidue(Optional.empty(), 100_000).stream().noneMatch(r -> ourIds.contains(r.id())));
        assertTrue(assets.findById(promoted.requireAssetId()).isPresent());
        assertEquals(0, assets.deleteStaged(assetIds), "a replay deletes nothing");
    }

    @Test
    void anOpenSessionCannotLoseItsAsset() throws SQLException {
        UploadSession s = newSession(alice);
        try (Connection c = raw()) {
            var e = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate(
                    "DELETE FROM assets WHERE id = '" + s.requireAssetId() + "'"));
            assertEquals("23514", e.getSQLState(), e.getMessage());
        }
    }

    @Test
    void analysisAndPromotionStoreTheMeasurementsAndQueueVariants() {
        UploadSession s = newSession(alice);
        sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
        sessions.transition(s.id(), EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING);
        sessions.complete(s.id(), s.requireAssetId());
        assertTrue(assets.transition(s.requireAssetId(), AssetState.VALIDATING, AssetState.ANALYZING));
        ProbeResult probe = new ProbeResult("image/jpeg", MediaKind.IMAGE, 600, 800, 6, null, null, null);
        assertTrue(assets.recordAnalysis(s.requireAssetId(), probe, AssetState.PROMOTING, Optional.empty()));
        assertFalse(assets.recordAnalysis(s.requireAssetId(), probe, AssetState.PROMOTING, Optional.empty()));
        var queued = assets.promote(s.requireAssetId(), "assets/" + s.requireAssetId() + "/original",
                List.of("thumb", "medium"));
        assertEquals(List.of("thumb", "medium"), queued.orElseThrow().stream().map(v -> v.name()).toList());
        assertEquals(Optional.empty(), assets.promote(s.requireAssetId(), "assets/" + s.requireAssetId() + "/original",
                List.of("thumb", "medium")), "a second promotion loses the compare-and-set and queues nothing");
        Asset a = assets.findById(s.requireAssetId()).orElseThrow();
        assertEquals(AssetState.PROCESSING, a.state(), "promoted with variants to render: processing");
        assertEquals(probe, a.probe().orElseThrow());
        assertEquals(List.of("medium", "thumb"), assets.variantsOf(a.id()).stream().map(v -> v.name()).toList());
        assertTrue(assets.variantsOf(a.id()).stream().allMatch(v -> v.state() == VariantState.QUEUED));
    }

    @Test
    void aNeverAttachedAssetsGraceStartsWhenItIsPromotedOrQuarantinedNotWhenItsUploadBegan() throws SQLException {
        UnreferencedGraces aDay = new UnreferencedGraces(java.time.Duration.ofHours(1), java.time.Duration.ofDays(1));
        ProbeResult probe = new ProbeResult("image/jpeg", MediaKind.IMAGE, 600, 800, 6, null, null, null);
        List<UUID> settled = new ArrayList<>();
        for (AssetState outcome : List.of(AssetState.PROMOTING, AssetState.QUARANTINED)) {
            UploadSession s = newSession(alice);
            UUID id = s.requireAssetId();
            sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
            sessions.transition(s.id(), EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING);
            sessions.complete(s.id(), id);
            assertTrue(assets.transition(id, AssetState.VALIDATING, AssetState.ANALYZING));
            unattachedSince(id, "2 days"); // a video session lives up to 48 h before its bytes are verified
            assertTrue(assets.recordAnalysis(id, probe, outcome,
                    outcome == AssetState.QUARANTINED ? Optional.of("type_mismatch") : Optional.empty()));
            if (outcome == AssetState.PROMOTING) {
                unattachedSince(id, "2 days");
                assertTrue(assets.promote(id, "assets/" + id + "/original", List.of()).isPresent());
            }
            settled.add(id);
        }
        assertTrue(assets.findDetached(aDay, 100_000).stream().map(Asset::id).noneMatch(settled::contains),
                "settled a moment ago: a whole grace to be attached");

        for (UUID id : settled) {
            unattachedSince(id, "25 hours");
        }
        assertTrue(assets.findDetached(aDay, 100_000).stream().map(Asset::id).toList().containsAll(settled),
                "never attached since they settled, longer than the grace");
    }

    static void unattachedSince(UUID asset, String ago) throws SQLException {
        try (Connection c = raw(); var s = c.prepareStatement(
                "UPDATE assets SET unattached_since = now() - ?::interval WHERE id = ?")) {
            s.setString(1, ago);
            s.setObject(2, asset);
            assertEquals(1, s.executeUpdate());
        }
    }
}
