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
import dev.stowage.domain.event.LifecycleEvent;
import dev.stowage.domain.event.RelayEvents;
import dev.stowage.domain.port.EventPublisher;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.UploadStrategy;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** V12's outbox: written with the state change or not at all, read per principal, relayed at least once. */
class OutboxTest {
    static ApplicationContext context;
    static JdbcUploadSessions sessions;
    static JdbcAssets assets;
    static JdbcOutbox outbox;
    final Principal alice = new Principal("alice-" + UUID.randomUUID());

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        sessions = context.getBean(JdbcUploadSessions.class);
        assets = context.getBean(JdbcAssets.class);
        outbox = context.getBean(JdbcOutbox.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    UploadSession verifyingSession(Principal owner) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = UUID.randomUUID();
        UUID assetId = UUID.randomUUID();
        String key = "staging/" + id + "/a.jpg";
        UploadSession s = new UploadSession(id, owner, Optional.of(assetId), "image", UploadStrategy.PRESIGNED_PUT,
                UploadState.INITIALIZED, key, "a.jpg", "image/jpeg", 10, Optional.empty(), Optional.empty(),
                Optional.empty(), now.plusSeconds(3600), Optional.empty(), now, now);
        sessions.insertWithAsset(s, Asset.staged(assetId, owner, "image", "a.jpg", "image/jpeg", 10,
                Optional.empty(), key, now));
        sessions.transition(s.id(), EnumSet.of(UploadState.INITIALIZED), UploadState.SIGNED);
        sessions.transition(s.id(), EnumSet.of(UploadState.SIGNED), UploadState.VERIFYING);
        return s;
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void completingAnUploadWritesExactlyOneEventWithItsIdsProfileAndPrincipalDigest() throws Exception {
        UploadSession s = verifyingSession(alice);
        assertTrue(sessions.complete(s.id(), s.requireAssetId()));
        assertFalse(sessions.complete(s.id(), s.requireAssetId()));

        List<LifecycleEvent> events = outbox.ofPrincipal(alice, 0, 100);
        assertEquals(1, events.size(), events.toString());
        LifecycleEvent e = events.getFirst();
        assertEquals("upload.completed", e.type());
        assertEquals(Optional.of(s.id()), e.sessionId());
        assertEquals(Optional.of(s.requireAssetId()), e.assetId());
        assertEquals(Optional.of("image"), e.profile());
        assertEquals(sha256(alice.id()), e.principalDigest());
    }

    @Test
    void aRolledBackCompletionWritesNoEvent() {
        UploadSession s = verifyingSession(alice);
        // The asset is no longer staged: complete() moves the session, then throws, and the transaction rolls back.
        assertTrue(assets.transition(s.requireAssetId(), AssetState.STAGED, AssetState.VALIDATING));
        assertThrows(IllegalStateException.class, () -> sessions.complete(s.id(), s.requireAssetId()));

        assertEquals(UploadState.VERIFYING, sessions.findById(s.id()).orElseThrow().state());
        assertEquals(List.of(), outbox.ofPrincipal(alice, 0, 100));
    }

    @Test
    void eachOutcomeOfTheSessionAndAssetMachinesIsAnEventAndOtherStatesAreNot() {
        UploadSession failed = verifyingSession(alice);
        assertTrue(sessions.fail(failed.id(), EnumSet.of(UploadState.VERIFYING), "checksum"));
        assertEquals(List.of(), outbox.ofPrincipal(alice, 0, 100), "failed is not an outcome event");

        UploadSession s = verifyingSession(alice);
        sessions.complete(s.id(), s.requireAssetId());
        UUID a = s.requireAssetId();
        assertTrue(assets.transition(a, AssetState.VALIDATING, AssetState.ANALYZING));
        assertTrue(assets.recordAnalysis(a, new ProbeResult("image/jpeg", MediaKind.IMAGE, 600, 800, 6, null, null,
                null), AssetState.PROMOTING, Optional.empty()));
        assertTrue(assets.promote(a, "assets/" + a, List.of()).isPresent());
        assertEquals(List.of("upload.completed", "asset.available", "asset.ready"),
                outbox.ofPrincipal(alice, 0, 100).stream().map(LifecycleEvent::type).toList());
    }

    @Test
    void aPrincipalReadsOnlyItsOwnEventsPagedBySeq() {
        Principal bob = new Principal("bob-" + UUID.randomUUID());
        for (int i = 0; i < 3; i++) {
            UploadSession s = verifyingSession(alice);
            sessions.complete(s.id(), s.requireAssetId());
        }
        UploadSession theirs = verifyingSession(bob);
        sessions.complete(theirs.id(), theirs.requireAssetId());

        List<LifecycleEvent> first = outbox.ofPrincipal(alice, 0, 2);
        assertEquals(2, first.size());
        List<LifecycleEvent> rest = outbox.ofPrincipal(alice, first.getLast().seq(), 2);
        assertEquals(1, rest.size());
        assertTrue(first.getLast().seq() < rest.getFirst().seq());
        assertTrue(outbox.ofPrincipal(alice, rest.getLast().seq(), 10).isEmpty());
        assertEquals(List.of(theirs.id()), outbox.ofPrincipal(bob, 0, 10).stream()
                .map(e -> e.sessionId().orElseThrow()).toList());
    }

    @Test
    void variantExportAndProviderOutcomesAreEventsToo() throws Exception {
        UploadSession s = verifyingSession(alice);
        UUID asset = s.requireAssetId();
        UUID variant = UUID.randomUUID();
        UUID export = UUID.randomUUID();
        UUID provider = UUID.randomUUID();
        TestStack stack = TestStack.get();
        try (Connection c = stack.connect();
             Statement sql = c.createStatement()) {
            sql.executeUpdate("INSERT INTO variants (id, asset_id, name, state) VALUES ('" + variant + "', '" + asset
                    + "', 'thumb', 'processing')");
            sql.executeUpdate("UPDATE variants SET state = 'failed', failure_reason = 'decoder' WHERE id = '"
                    + variant + "'");
            sql.executeUpdate("INSERT INTO exports (id, principal, kind, filename, content_type, state, byte_size,"
                    + " content, checksum_sha256, format, expires_at) VALUES ('" + export + "', '" + alice.id()
                    + "', 'inline', 'x.csv', 'text/csv', 'ready', 1, 'a', 'abc', 'csv', now() + interval '1 day')");
            sql.executeUpdate("INSERT INTO provider_uploads (id, asset_id, principal, provider, state) VALUES ('"
                    + provider + "', '" + asset + "', '" + alice.id() + "', 'mux', 'pending')");
            for (String state : List.of("uploading", "processing", "ready", "errored")) {
                sql.executeUpdate("UPDATE provider_uploads SET state = '" + state + "', error = 'gone' WHERE id = '"
                        + provider + "'");
            }
        }
        List<LifecycleEvent> events = outbox.ofPrincipal(alice, 0, 100);
        assertEquals(List.of("variant.failed", "export.ready", "provider_upload.ready", "provider_upload.errored"),
                events.stream().map(LifecycleEvent::type).toList());
        assertEquals(Optional.of("thumb"), events.get(0).variantName());
        assertEquals(Optional.of("decoder"), events.get(0).reason());
        assertEquals(variant, events.get(0).subjectId());
        assertEquals(export, events.get(1).subjectId());
        assertEquals(Optional.empty(), events.get(2).reason(), "only an errored upload says why");
        assertEquals(Optional.of("gone"), events.get(3).reason());
        assertEquals(Optional.of(asset), events.get(3).assetId());
    }

    /** Accepts everything except the ids it is told to refuse; records what it was handed of one principal's. */
    static final class FlakyBus implements EventPublisher {
        final String digest;
        final Set<UUID> refuse = new HashSet<>();
        final List<LifecycleEvent> seen = new ArrayList<>();
        final Set<UUID> accepted = new HashSet<>();

        FlakyBus(String digest) {
            this.digest = digest;
        }

        @Override
        public Set<UUID> publish(List<LifecycleEvent> events) {
            assertTrue(events.size() <= MAX_BATCH);
            Set<UUID> ok = events.stream().map(LifecycleEvent::id).filter(id -> !refuse.contains(id))
                    .collect(Collectors.toSet());
            events.stream().filter(e -> e.principalDigest().equals(digest)).forEach(e -> {
                seen.add(e);
                if (ok.contains(e.id())) {
                    accepted.add(e.id());
                }
            });
            return ok;
        }
    }

    @Test
    void theRelayPublishesEachEventOnceAcrossARetryAndNeverUnderANewId() throws Exception {
        for (int i = 0; i < 12; i++) {
            UploadSession s = verifyingSession(alice);
            sessions.complete(s.id(), s.requireAssetId());
        }
        List<LifecycleEvent> mine = outbox.ofPrincipal(alice, 0, 100);
        assertEquals(12, mine.size());
        FlakyBus bus = new FlakyBus(sha256(alice.id()));
        UUID refused = mine.get(3).id();
        bus.refuse.add(refused);

        RelayEvents.Outcome first = new RelayEvents(outbox, bus, 1_000).execute();
        assertTrue(first.refused() >= 1, first.toString());
        assertFalse(bus.accepted.contains(refused));

        bus.refuse.clear();
        new RelayEvents(outbox, bus, 1_000).execute();
        new RelayEvents(outbox, bus, 1_000).execute();

        Set<UUID> ids = mine.stream().map(LifecycleEvent::id).collect(Collectors.toSet());
        assertEquals(ids, bus.accepted, "every event accepted, under the id it was written with");
        assertEquals(13, bus.seen.size(), "only the refused event was handed to the bus twice: " + bus.seen);
        assertEquals(2, bus.seen.stream().filter(e -> e.id().equals(refused)).count());
        assertEquals(mine.get(3), bus.seen.stream().filter(e -> e.id().equals(refused)).toList().getLast(),
                "the retry sends the same event, same id and seq");
    }

    @Test
    void deletingPublishedEventsTakesABoundedBatchOfThoseOlderThanTheCutoffAndNeverAnUnpublishedOne() throws Exception {
        // Far in the past, so no other test's event is old enough to count.
        Instant cutoff = Instant.now().minus(1000, ChronoUnit.DAYS);
        List<UUID> old = new ArrayList<>();
        UUID newer = UUID.randomUUID();
        UUID unpublished = UUID.randomUUID();
        var stack = TestStack.get();
        try (Connection c = stack.connect();
             var insert = c.prepareStatement("INSERT INTO outbox_events (event_id, type, principal_digest, subject_id,"
                     + " occurred_at, published_at) VALUES (?, 'asset.ready', principal_digest(?), gen_random_uuid(),"
                     + " now() - interval '2000 days', now() - ?::interval)")) {
            for (int i = 0; i < 3; i++) {
                old.add(UUID.randomUUID());
            }
            for (UUID id : old) {
                insert.setObject(1, id);
                insert.setString(2, alice.id());
                insert.setString(3, "1001 days");
                insert.executeUpdate();
            }
            insert.setObject(1, newer);
            insert.setString(2, alice.id());
            insert.setString(3, "999 days");
            insert.executeUpdate();
            insert.setObject(1, unpublished);
            insert.setString(2, alice.id());
            insert.setString(3, null);
            insert.executeUpdate();
        }

        assertEquals(2, outbox.deletePublishedBefore(cutoff, 2), "one batch is at most the limit");
        assertEquals(1, outbox.deletePublishedBefore(cutoff, 2));
        assertEquals(0, outbox.deletePublishedBefore(cutoff, 2));

        Set<UUID> left = outbox.ofPrincipal(alice, 0, 100).stream().map(LifecycleEvent::id).collect(Collectors.toSet());
        assertEquals(Set.of(newer, unpublished), left);
    }
}
