package dev.stowage.functions.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attachments through the assets function's API Gateway handler, on real PostgreSQL and S3: one asset per
 * slot, last write wins, a replaced or detached asset is purged (never an attached one), and bad input is
 * a 4xx with a stable code.
 */
class AttachmentsFunctionTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static Assets assets;
    static ObjectStore store;
    final String alice = "alice-" + UUID.randomUUID();
    final String slotPath = "/v1/owners/user/" + UUID.randomUUID() + "/slots/avatar";

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        assets = function.getApplicationContext().getBean(Assets.class);
        store = function.getApplicationContext().getBean(ObjectStore.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    Asset stored(String owner, String file, String contentType) {
        byte[] bytes = TestMedia.bytes(file);
        return function.getApplicationContext().getBean(ProxiedUpload.class).execute(new Principal(owner),
                new ProxiedUpload.Command(new UploadAdmission.Declared("image", file, contentType,
                        (long) bytes.length, null), bytes)).orElseThrow();
    }

    Asset photo() {
        return stored(alice, "landscape.jpg", "image/jpeg");
    }

    ApiGatewayClient.Reply attach(String path, UUID assetId) {
        return api.call(alice, "PUT", path, "{\"assetId\":\"" + assetId + "\"}");
    }

    static int purge(Duration grace) {
        return new PurgeDetachedAssets(assets, store, new UnreferencedGraces(grace, Duration.ofDays(1)), 100).run();
    }

    static boolean gone(Asset asset) {
        return assets.findById(asset.id()).isEmpty() && store.head(asset.storageKey().orElseThrow()).isEmpty();
    }

    static boolean intact(Asset asset) {
        return assets.findById(asset.id()).map(a -> a.state() == AssetState.PROCESSING).orElse(false)
                && store.head(asset.storageKey().orElseThrow()).isPresent();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAttachedAssetIsReadBackAndAReplacedOneIsPurgedOnceNothingReferencesIt() {
        Asset first = photo();
        Asset second = photo();

        var attached = attach(slotPath, first.id());
        assertEquals(200, attached.status(), attached.body());
        assertEquals(first.id().toString(), attached.string("assetId"));
        assertEquals("avatar", attached.string("slot"));
        assertEquals("processing", ((Map<String, Object>) attached.map().get("asset")).get("state"));
        assertEquals(first.id().toString(), api.call(alice, "GET", slotPath, "").string("assetId"));

        assertEquals(200, attach(slotPath, second.id()).status());
        assertEquals(second.id().toString(), api.call(alice, "GET", slotPath, "").string("assetId"));
        purge(Duration.ZERO);

        assertTrue(gone(first), "the replaced asset is purged: row and original");
        assertTrue(intact(second), "the attached one is untouched");
    }

    @Test
    void anAssetAttachedElsewhereIsNotPurgedWhenOneOfItsSlotsIsReplaced() {
        Asset shared = photo();
        String otherSlot = "/v1/owners/team/" + UUID.randomUUID() + "/slots/logo";
        assertEquals(200, attach(slotPath, shared.id()).status());
        assertEquals(200, attach(otherSlot, shared.id()).status());

        assertEquals(200, attach(slotPath, photo().id()).status());
        purge(Duration.ZERO);

        assertTrue(intact(shared));
        assertEquals(shared.id().toString(), api.call(alice, "GET", otherSlot, "").string("assetId"));
    }

    @Test
    void detachIsIdempotentAndTheDetachedAssetWaitsOutTheGraceBeforeItIsPurged() {
        Asset asset = photo();
        assertEquals(200, attach(slotPath, asset.id()).status());

        assertEquals(204, api.call(alice, "DELETE", slotPath, "").status());
        assertEquals(204, api.call(alice, "DELETE", slotPath, "").status());
        var missing = api.call(alice, "GET", slotPath, "");
        assertEquals(404, missing.status());
        assertEquals("attachment_not_found", missing.string("code"));

        purge(Duration.ofHours(1));
        assertTrue(intact(asset), "detached less than the grace ago: kept (an undo window)");
        purge(Duration.ZERO);
        assertTrue(gone(asset));
    }

    @Test
    void reattachingADetachedAssetTakesItBackFromThePurger() {
        Asset asset = photo();
        assertEquals(200, attach(slotPath, asset.id()).status());
        assertEquals(204, api.call(alice, "DELETE", slotPath, "").status());

        assertEquals(200, attach(slotPath, asset.id()).status());
        purge(Duration.ZERO);

        assertTrue(intact(asset));
    }

    @Test
    void aPurgedAssetCannotBeAttached() {
        Asset asset = photo();
        assertEquals(200, attach(slotPath, asset.id()).status());
        assertEquals(204, api.call(alice, "DELETE", slotPath, "").status());
        purge(Duration.ZERO);

        var refused = attach(slotPath, asset.id());
        assertEquals(404, refused.status());
        assertEquals("asset_not_found", refused.string("code"));
    }

    // ------------------------------------------------------------------ never attached

    static final UnreferencedGraces A_DAY_UNATTACHED = new UnreferencedGraces(Duration.ofHours(1), Duration.ofDays(1));

    /** As if the asset had been uploaded {@code ago} and never attached since. */
    static void uploadedAgo(Asset asset, String ago) throws SQLException {
        try (Connection c = TestStack.get().connect();
             PreparedStatement s = c.prepareStatement(
                     "UPDATE assets SET unattached_since = now() - ?::interval"
                             + " WHERE id = ? AND unattached_since IS NOT NULL")) {
            s.setString(1, ago);
            s.setObject(2, asset.id());
            assertEquals(1, s.executeUpdate(), "the asset is marked never attached");
        }
    }

    @Test
    void anUploadNobodyAttachesIsPurgedOnceOlderThanTheUnattachedGraceAndAYoungerOneIsKept() throws Exception {
        Asset abandoned = photo();
        Asset recent = photo();
        uploadedAgo(abandoned, "25 hours");
        uploadedAgo(recent, "23 hours");

        new PurgeDetachedAssets(assets, store, A_DAY_UNATTACHED, 100).run();

        assertTrue(gone(abandoned), "never attached for longer than the grace: row and original purged");
        assertTrue(intact(recent), "younger than the grace: kept for its client's attach");
        assertEquals(200, attach(slotPath, recent.id()).status());
    }

    @Test
    void attachingAnOldUploadTakesItFromThePurgerAndItsDetachStartsTheDetachedGrace() throws Exception {
        Asset late = photo();
        uploadedAgo(late, "3 days");
        assertEquals(200, attach(slotPath, late.id()).status());

        new PurgeDetachedAssets(assets, store, A_DAY_UNATTACHED, 100).run();
        assertTrue(intact(late), "attached: the never-attached mark went with the attach");

        assertEquals(204, api.call(alice, "DELETE", slotPath, "").status());
        new PurgeDetachedAssets(assets, store, A_DAY_UNATTACHED, 100).run();
        assertTrue(intact(late), "detached a moment ago: the detached grace (an hour here) applies, not its age");
        purge(Duration.ZERO);
        assertTrue(gone(late));
    }

    @Test
    void aPurgeThatMeetsAnAttachInFlightWaitsForItAndKeepsTheAsset() throws Exception {
        Asset asset = photo();
        uploadedAgo(asset, "2 days");
        String ownerId = UUID.randomUUID().toString();
        DatabaseWatch watch = DatabaseWatch.of(TestStack.get());
        // Threads of its own: the common pool may have one, and the attach holds it while it waits.
        try (Connection holder = TestStack.get().connect(); ExecutorService racers = Executors.newFixedThreadPool(2)) {
            // An uncommitted row at the slot's key stops the real attach after it claimed the asset row and before
            // its attachment is written: the moment a purge's compare-and-set can meet it.
            holder.setAutoCommit(false);
            try (PreparedStatement hold = holder.prepareStatement("""
                    INSERT INTO attachments (id, principal, owner_type, owner_id, slot, asset_id)
                    VALUES (?, ?, 'user', ?, 'avatar', ?)""")) {
                hold.setObject(1, UUID.randomUUID());
                hold.setString(2, alice);
                hold.setString(3, ownerId);
                hold.setObject(4, asset.id());
                assertEquals(1, hold.executeUpdate());
            }
            var attached = CompletableFuture.supplyAsync(
                    () -> attach("/v1/owners/user/" + ownerId + "/slots/avatar", asset.id()).status(), racers);
            watch.awaitBlockedOn("INSERT INTO attachments");
            // The purge read its snapshot before the attachment exists; only the row the attach wrote can stop it.
            var purged = CompletableFuture.supplyAsync(
                    () -> assets.markDeletedIfDetached(asset.id(), A_DAY_UNATTACHED), racers);
            watch.awaitBlockedOn("UPDATE assets SET state = 'deleted'");
            holder.rollback();

            assertEquals(200, attached.get(30, TimeUnit.SECONDS));
            assertFalse(purged.get(30, TimeUnit.SECONDS), "the purge saw the asset claimed");
        }
        assertTrue(intact(asset));
    }

    @Test
    void onlyTheCallersOwnServableAssetCanBeAttachedAndARefusalChangesNothing() {
        Asset kept = photo();
        assertEquals(200, attach(slotPath, kept.id()).status());
        Asset malloryAsset = stored("mallory-" + UUID.randomUUID(), "landscape.jpg", "image/jpeg");
        Asset quarantined = stored(alice, "html-named.jpg", "image/jpeg");
        assertEquals(AssetState.QUARANTINED, quarantined.state());

        for (UUID refused : List.of(malloryAsset.id(), quarantined.id(), UUID.randomUUID())) {
            var reply = attach(slotPath, refused);
            assertEquals(404, reply.status(), reply.body());
            assertEquals("asset_not_found", reply.string("code"));
        }
        assertEquals(kept.id().toString(), api.call(alice, "GET", slotPath, "").string("assetId"));
        assertEquals(404, api.call("mallory-" + UUID.randomUUID(), "GET", slotPath, "").status(),
                "another principal sees nothing at the same slot");
    }

    @Test
    void badOwnersSlotsAndBodiesAre4xxWithStableCodes() {
        UUID asset = photo().id();
        Map<String, String> refusals = Map.of(
                "/v1/owners/user/" + "x".repeat(201) + "/slots/avatar", "invalid_owner",
                "/v1/owners/user/a%01b/slots/avatar", "invalid_owner",
                "/v1/owners/User%20Type/1/slots/avatar", "invalid_owner",
                "/v1/owners/user/1/slots/Big%20Avatar", "invalid_slot");
        refusals.forEach((path, code) -> {
            var reply = attach(path, asset);
            assertEquals(422, reply.status(), path + ": " + reply.body());
            assertEquals(code, reply.string("code"), path);
        });
        var noAsset = api.call(alice, "PUT", slotPath, "{}");
        assertEquals(422, noAsset.status(), noAsset.body());
        assertEquals("invalid_field", noAsset.string("code"));
        var notAnId = api.call(alice, "PUT", slotPath, "{\"assetId\":\"12345\"}");
        assertEquals(400, notAnId.status(), notAnId.body());
        assertEquals(404, api.call(alice, "GET", slotPath, "").status(), "nothing was attached");
    }

    @Test
    void twentyConcurrentAttachesToOneSlotLeaveOneAttachmentAndEveryOtherAssetPurged() throws Exception {
        List<Asset> candidates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            candidates.add(photo());
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        try {
            for (Asset candidate : candidates) {
                statuses.add(pool.submit((Callable<Integer>) () -> {
                    start.await();
                    return attach(slotPath, candidate.id()).status();
                }));
            }
            // Purges race the attaches: none may delete the asset that ends up attached.
            List<Future<Integer>> purges = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                purges.add(pool.submit((Callable<Integer>) () -> {
                    start.await();
                    return purge(Duration.ZERO);
                }));
            }
            start.countDown();
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get());
            }
            for (Future<Integer> p : purges) {
                p.get();
            }
        } finally {
            pool.shutdownNow();
        }
        purge(Duration.ZERO);

        UUID winner = UUID.fromString(api.call(alice, "GET", slotPath, "").string("assetId"));
        for (Asset candidate : candidates) {
            if (candidate.id().equals(winner)) {
                assertTrue(intact(candidate), "the attached asset survives every purge");
            } else {
                assertTrue(gone(candidate), "replaced asset " + candidate.id() + " is purged");
            }
        }
        assertFalse(candidates.stream().noneMatch(c -> c.id().equals(winner)));
    }

    @Test
    void fortyThreeWayAttachDetachReplaceAndPurgeOnOneSlotLeaveTheSlotsAssetIntactAndEveryOtherGone() throws Exception {
        // Fifteen assets, each attached twice (so an attach can meet its asset detached by a replace, and its
        // purge), ten detaches and three purges with no grace, all released at once on one slot.
        List<Asset> candidates = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            candidates.add(photo());
        }
        List<Callable<Integer>> racers = new ArrayList<>();
        for (Asset candidate : candidates) {
            racers.add(() -> attach(slotPath, candidate.id()).status());
            racers.add(() -> attach(slotPath, candidate.id()).status());
        }
        for (int i = 0; i < 10; i++) {
            racers.add(() -> api.call(alice, "DELETE", slotPath, "").status());
        }
        for (int i = 0; i < 3; i++) {
            racers.add(() -> -purge(Duration.ZERO) - 1); // negative: told apart from the HTTP statuses below
        }
        java.util.Collections.shuffle(racers, new java.util.Random(racers.size()));
        ExecutorService pool = Executors.newFixedThreadPool(racers.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (Callable<Integer> racer : racers) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return racer.call();
                }));
            }
            start.countDown();
            int attached = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                // An attach wins (200) or finds its asset purged meanwhile (404); a detach is idempotent (204).
                assertTrue(status < 0 || status == 200 || status == 204 || status == 404, "answered " + status);
                attached += status == 200 ? 1 : 0;
            }
            assertTrue(attached >= 1, "some attach won");
        } finally {
            pool.shutdownNow();
        }
        purge(Duration.ZERO);

        var slot = api.call(alice, "GET", slotPath, "");
        Optional<UUID> kept = slot.status() == 404 ? Optional.empty() : Optional.of(UUID.fromString(slot.string("assetId")));
        for (Asset candidate : candidates) {
            if (kept.isPresent() && kept.get().equals(candidate.id())) {
                assertTrue(intact(candidate), "the attached asset and its object survive every purge");
            } else {
                assertTrue(gone(candidate), candidate.id() + " is not in the slot but was not purged");
            }
        }
        assertTrue(kept.isEmpty() || candidates.stream().anyMatch(c -> c.id().equals(kept.get())), kept.toString());
    }
}
