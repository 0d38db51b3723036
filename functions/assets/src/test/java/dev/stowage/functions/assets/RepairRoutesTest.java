package dev.stowage.functions.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.variant.Variant;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.domain.variant.VariantState;
import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.variant.RenderVariant;
import dev.stowage.functions.variantworker.VariantWorkerHandler;
import dev.stowage.lambda.config.VariantSettings;
import dev.stowage.lambda.events.VariantMessage;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.ApiGatewayClient.Reply;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.RecordingWorkQueue;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repair routes (reprobe, requeue, cancel) through the assets function's API Gateway handler on real
 * PostgreSQL and S3. Variants fail and go stale for real (a PNG declaring too many pixels, a row rendered
 * under an old recipe), and the real variant-worker renders what a requeue sends, delivered as SQS would.
 */
class RepairRoutesTest {
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";
    static final String OLD_RECIPE = "0123456789abcdef";
    static ApplicationContext context;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static VariantWorkerHandler worker;
    static RecordingWorkQueue queue;
    static Assets assets;
    static Variants variants;
    static ObjectStore store;
    static JsonMapper json;

    final String alice = "alice-" + UUID.randomUUID();
    final String mallory = "mallory-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        function = new APIGatewayV2HTTPEventFunction(context);
        api = new ApiGatewayClient(function);
        worker = new VariantWorkerHandler(context);
        queue = context.getBean(RecordingWorkQueue.class);
        assets = context.getBean(Assets.class);
        variants = context.getBean(Variants.class);
        store = context.getBean(ObjectStore.class);
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    @BeforeEach
    void emptyQueue() {
        queue.drain();
    }

    // ------------------------------------------------------------------ helpers

    /** An upload through the real lane: promoted, its variants queued and their messages recorded. */
    Asset stored(String owner, String filename, String contentType, byte[] bytes) {
        return context.getBean(ProxiedUpload.class).execute(new Principal(owner),
                new ProxiedUpload.Command(new UploadAdmission.Declared("image", filename, contentType,
                        (long) bytes.length, null), bytes)).orElseThrow();
    }

    Asset stored(String file) {
        return stored(alice, file, "image/jpeg", TestMedia.bytes(file));
    }

    /** Delivers the jobs to the worker in one SQS batch. */
    static void render(List<VariantJob> jobs) throws IOException {
        var event = new SQSEvent();
        event.setRecords(jobs.stream().map(RepairRoutesTest::message).toList());
        var out = new ByteArrayOutputStream();
        worker.handleRequest(new ByteArrayInputStream(json.writeValueAsString(event).getBytes(StandardCharsets.UTF_8)),
                out, null);
        assertEquals(ALL_SUCCEEDED, out.toString(StandardCharsets.UTF_8));
    }

    static List<VariantJob> only(List<VariantJob> jobs, String... names) {
        List<String> wanted = List.of(names);
        return jobs.stream().filter(j -> wanted.contains(j.variant())).toList();
    }

    static Map<String, Variant> variantsOf(Asset asset) {
        return variants.ofAsset(asset.id()).stream().collect(Collectors.toMap(Variant::name, Function.identity()));
    }

    static AssetState stateOf(Asset asset) {
        return assets.findById(asset.id()).orElseThrow().state();
    }

    /** Everything a repair could change about an asset: its row and its variants' rows. */
    record Snapshot(Asset asset, List<Variant> variants) {}

    static Snapshot snapshot(Asset asset) {
        return new Snapshot(assets.findById(asset.id()).orElseThrow(), variants.ofAsset(asset.id()));
    }

    Reply post(String caller, String path, String body) {
        return api.call(caller, "POST", path, body);
    }

    Reply requeue(String caller, Asset asset, String body) {
        return post(caller, "/v1/assets/" + asset.id() + "/variants/requeue", body);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> variantView(Reply assetView, String name) {
        return ((List<Map<String, Object>>) assetView.map().get("variants")).stream()
                .filter(v -> v.get("name").equals(name)).findFirst().orElseThrow();
    }

    static void assertProblem(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        assertEquals(code, reply.string("code"), reply.body());
    }


    /** Runs one UPDATE on its own connection and checks it touched exactly one row. */
    static void sql(String update, Object... parameters) throws SQLException {
        TestStack stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var statement = c.prepareStatement(update)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            assertEquals(1, statement.executeUpdate(), update);
        }
    }

    static String digestOf(String variant) {
        return context.getBean(Profiles.class).variant("image", variant).orElseThrow().recipeDigest();
    }

    /** The queued variant failed as a worker fails one: claimed, then marked failed with a reason. */
    static void failed(Variant v) {
        Lease lease = Lease.fresh(Duration.ofMinutes(1));
        assertTrue(variants.claim(v.id(), digestOf(v.name()), lease));
        assertTrue(variants.markFailed(v.id(), lease, "render_error: the test failed it"));
        variants.settle(v.assetId());
    }

    // ------------------------------------------------------------------ requeue

    @Test
    void aVariantThatFailedForRealIsRequeuedAndItsMessageSentAndTheAssetIsBackToWork() throws Exception {
        Asset asset = stored(alice, "huge.png", "image/png", pngDeclaring(40_000, 40_000));
        render(queue.drain());
        assertEquals(AssetState.DEGRADED, stateOf(asset));
        assertEquals(VariantState.FAILED, variantsOf(asset).get("thumb").state());
        assertTrue(variantsOf(asset).get("thumb").failureReason().orElseThrow().startsWith("too_many_pixels:"));

        Reply reply = requeue(alice, asset, "{\"variantNames\":[\"thumb\"]}");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(Map.of("selected", List.of("thumb"), "enqueued", List.of("thumb"), "skipped", List.of(),
                "errored", List.of()), reply.map());
        List<VariantJob> sent = queue.drain();
        Variant thumb = variantsOf(asset).get("thumb");
        assertEquals(List.of(new VariantJob(thumb.id(), asset.id(), "thumb", digestOf("thumb"))), sent);
        assertEquals(VariantState.QUEUED, thumb.state());
        assertTrue(thumb.failureReason().isEmpty(), "the old reason is cleared");
        assertEquals(VariantState.FAILED, variantsOf(asset).get("medium").state(), "not named: untouched");
        assertEquals(AssetState.PROCESSING, stateOf(asset));
        assertEquals("processing", api.call(alice, "GET", "/v1/assets/" + asset.id(), "").string("state"));

        render(sent);
        assertEquals(VariantState.FAILED, variantsOf(asset).get("thumb").state(), "the same bytes fail the same way");
        assertEquals(AssetState.DEGRADED, stateOf(asset));
    }

    @Test
    void aRequeuedFailedVariantIsRenderedAndTheAssetEndsReadyWhileItsReadySiblingIsSkippedUntouched() throws Exception {
        Asset asset = stored("landscape.jpg");
        List<VariantJob> promoted = queue.drain();
        render(only(promoted, "thumb"));
        failed(variantsOf(asset).get("medium"));
        assertEquals(AssetState.DEGRADED, stateOf(asset));
        Variant readyThumb = variantsOf(asset).get("thumb");
        assertEquals(VariantState.READY, readyThumb.state());

        Reply reply = requeue(alice, asset, "");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(List.of("thumb", "medium"), reply.map().get("selected"), "the profile's, in its order");
        assertEquals(List.of("medium"), reply.map().get("enqueued"));
        assertEquals(List.of("thumb"), reply.map().get("skipped"));
        assertEquals(List.of(), reply.map().get("errored"));
        assertEquals(readyThumb, variantsOf(asset).get("thumb"), "the ready sibling is untouched, updatedAt too");
        List<VariantJob> sent = queue.drain();
        assertEquals(List.of("medium"), sent.stream().map(VariantJob::variant).toList());
        assertEquals(AssetState.PROCESSING, stateOf(asset));

        render(sent);

        Variant medium = variantsOf(asset).get("medium");
        assertEquals(VariantState.READY, medium.state());
        assertEquals(800, medium.rendition().orElseThrow().width());
        assertTrue(store.head(medium.storageKey().orElseThrow()).isPresent(), "stored");
        assertEquals(AssetState.READY, stateOf(asset));
        Reply view = api.call(alice, "GET", "/v1/assets/" + asset.id(), "");
        assertEquals("ready", view.string("state"));
        assertEquals("ready", variantView(view, "medium").get("state"));
        assertNull(variantView(view, "medium").get("failureReason"));
    }

    @Test
    void aQueueThatRefusesTheSendReportsTheVariantErroredAndLeavesItQueuedForThePurger() throws Exception {
        Asset asset = stored("landscape.jpg");
        render(only(queue.drain(), "medium"));
        failed(variantsOf(asset).get("thumb"));
        queue.refuseNext(1);

        Reply reply = requeue(alice, asset, "");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(Map.of("selected", List.of("thumb", "medium"), "enqueued", List.of(), "skipped", List.of("medium"),
                "errored", List.of("thumb")), reply.map());
        assertEquals(VariantState.QUEUED, variantsOf(asset).get("thumb").state(), "the purger sends it again");
        assertEquals(AssetState.PROCESSING, stateOf(asset));
        assertEquals(List.of(), queue.drain());
    }

    @Test
    void queuedAndProcessingVariantsAreInFlightAndSkipped() {
        Asset asset = stored("landscape.jpg");
        queue.drain();
        Variant thumb = variantsOf(asset).get("thumb");
        assertTrue(variants.claim(thumb.id(), digestOf("thumb"), Lease.fresh(Duration.ofMinutes(5))));
        Snapshot before = snapshot(asset);

        Reply reply = requeue(alice, asset, "{}");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(Map.of("selected", List.of("thumb", "medium"), "enqueued", List.of(),
                "skipped", List.of("thumb", "medium"), "errored", List.of()), reply.map());
        assertEquals(before, snapshot(asset), "nothing changed");
        assertEquals(List.of(), queue.drain(), "nothing sent");
    }

    @Test
    void anUnknownVariantNameIsRefusedAndChangesNothing() throws Exception {
        Asset asset = stored("landscape.jpg");
        render(only(queue.drain(), "medium"));
        failed(variantsOf(asset).get("thumb"));
        assertEquals(AssetState.DEGRADED, stateOf(asset));
        Snapshot before = snapshot(asset);

        Reply reply = requeue(alice, asset, "{\"variantNames\":[\"thumb\",\"nope\"]}");

        assertProblem(reply, 422, "unknown_variant");
        assertTrue(reply.string("detail").contains("nope"), reply.body());
        assertEquals(before, snapshot(asset), "thumb, which was named too, was not requeued");
        assertEquals(List.of(), queue.drain());
    }

    @Test
    void aBodyThatIsNotAListOfNamesIsAClientProblemAndChangesNothing() throws Exception {
        Asset asset = stored("landscape.jpg");
        render(only(queue.drain(), "medium"));
        failed(variantsOf(asset).get("thumb"));
        Snapshot before = snapshot(asset);

        // body -> the status and code it answers: a name that is not one, 422; JSON that is not the shape, 400.
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        answers.put("{\"variantNames\":[null]}", "422 invalid_field");
        answers.put("{\"variantNames\":[\"\"]}", "422 invalid_field");
        answers.put("{\"variantNames\":[\"thumb\", null]}", "422 invalid_field");
        answers.put("{\"variantNames\":[1]}", "422 unknown_variant");
        answers.put("{\"variantNames\":\"thumb\"}", "400 malformed_request");
        answers.put("{\"variantNames\":[\"thumb\"", "400 malformed_request");
        answers.put("not json", "400 malformed_request");
        answers.put("[\"thumb\"]", "400 malformed_request");
        answers.forEach((body, answer) -> {
            String[] expected = answer.split(" ");
            assertProblem(requeue(alice, asset, body), Integer.parseInt(expected[0]), expected[1]);
            assertEquals(before, snapshot(asset), body);
        });
        assertEquals(List.of(), queue.drain());
    }

    @Test
    void aStaleVariantReadsStaleAndIsReRenderedUnderANewKeyAndTheOldObjectGoesOnceTheNewIsReady() throws Exception {
        Asset asset = stored("landscape.jpg");
        render(queue.drain());
        assertEquals(AssetState.READY, stateOf(asset));
        // As if thumb had been rendered under yesterday's recipe: its row and its object say so.
        Variant current = variantsOf(asset).get("thumb");
        String oldKey = StorageKeys.variant(asset.id(), "thumb", OLD_RECIPE, "jpeg");
        byte[] oldBytes = store.open(current.storageKey().orElseThrow()).readAllBytes();
        store.put(oldKey, oldBytes, "image/jpeg");
        store.delete(current.storageKey().get());
        sql("UPDATE variants SET recipe_digest = ?, storage_key = ? WHERE id = ?", OLD_RECIPE, oldKey, current.id());
        Variant medium = variantsOf(asset).get("medium");

        Reply view = api.call(alice, "GET", "/v1/assets/" + asset.id(), "");
        assertEquals("stale", variantView(view, "thumb").get("state"));
        assertEquals("ready", variantView(view, "medium").get("state"));

        Reply reply = requeue(alice, asset, "");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(List.of("thumb"), reply.map().get("enqueued"));
        assertEquals(List.of("medium"), reply.map().get("skipped"));
        assertEquals(medium, variantsOf(asset).get("medium"), "ready under today's recipe: untouched");
        assertEquals(AssetState.PROCESSING, stateOf(asset));
        assertEquals("queued", variantView(api.call(alice, "GET", "/v1/assets/" + asset.id(), ""), "thumb")
                .get("state"));
        assertTrue(store.head(oldKey).isPresent(), "the old rendering serves until the new one is ready");

        render(queue.drain());

        Variant thumb = variantsOf(asset).get("thumb");
        assertEquals(VariantState.READY, thumb.state());
        assertEquals(current.recipeDigest(), thumb.recipeDigest(), "rendered under today's recipe");
        String newKey = thumb.storageKey().orElseThrow();
        assertNotEquals(oldKey, newKey);
        assertTrue(store.head(newKey).isPresent(), "the new rendering is stored");
        assertFalse(store.head(oldKey).isPresent(), "the old rendering is deleted");
        assertEquals(AssetState.READY, stateOf(asset));
        assertEquals("ready", variantView(api.call(alice, "GET", "/v1/assets/" + asset.id(), ""), "thumb")
                .get("state"));
    }

    @Test
    void aStaleVariantRequeuedByAnotherCallMeanwhileIsSkippedNotA500() throws Exception {
        Asset asset = stored("landscape.jpg");
        render(queue.drain());
        Variant thumb = variantsOf(asset).get("thumb");
        sql("UPDATE variants SET recipe_digest = ? WHERE id = ?", OLD_RECIPE, thumb.id());
        TestStack stack = TestStack.get();
        try (var other = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword())) {
            // Another requeue's transaction, between this call's read of the row and its compare-and-set.
            other.setAutoCommit(false);
            try (var update = other.prepareStatement("UPDATE variants SET state = 'stale' WHERE id = ?")) {
                update.setObject(1, thumb.id());
                assertEquals(1, update.executeUpdate());
            }
            try (var update = other.prepareStatement("UPDATE variants SET state = 'queued' WHERE id = ?")) {
                update.setObject(1, thumb.id());
                assertEquals(1, update.executeUpdate());
            }
            var reply = CompletableFuture.supplyAsync(() -> requeue(alice, asset, ""));
            DatabaseWatch.of(TestStack.get()).awaitBlockedOn("UPDATE variants SET state");
            other.commit();

            Reply answer = reply.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.status(), answer.body());
            assertEquals(List.of(), answer.map().get("enqueued"), "the other call queued it");
            assertEquals(List.of("medium", "thumb"),
                    ((List<?>) answer.map().get("skipped")).stream().map(String.class::cast).sorted().toList());
        }
        assertEquals(VariantState.QUEUED, variantsOf(asset).get("thumb").state());
        assertEquals(List.of(), queue.drain(), "sent by the other call, not twice");
    }

    @Test
    void twentyRequeuesOfOneFailedVariantEnqueueItOnceAndRequeuesRacingTheWorkerNeverRenderItTwice() throws Exception {
        Asset asset = stored("landscape.jpg");
        render(only(queue.drain(), "thumb"));
        failed(variantsOf(asset).get("medium"));
        assertEquals(1, variantsOf(asset).get("medium").attempts(), "claimed once, by the failure");

        // Twenty callers at once: one compare-and-set takes medium from failed to queued, the others skip it.
        List<Reply> first = race(20, () -> requeue(alice, asset, "{\"variantNames\":[\"medium\"]}"));
        assertEquals(1, first.stream().filter(r -> r.map().get("enqueued").equals(List.of("medium"))).count(),
                first.stream().map(Reply::body).toList().toString());
        List<VariantJob> sent = queue.drain();
        assertEquals(1, sent.size(), "one message for twenty calls: " + sent);

        // Its message, delivered three times to four workers, while ten more requeues race them: in flight or
        // ready, it is never queued again, and it is claimed (so rendered) once.
        var delivery = dev.stowage.testkit.AtLeastOnce.sqs(json, 4, () -> worker);
        var deliveries = CompletableFuture.supplyAsync(() -> {
            try {
                return delivery.deliver(List.of(message(sent.getFirst())), new java.util.Random(sent.hashCode()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Reply> during = race(10, () -> requeue(alice, asset, "{\"variantNames\":[\"medium\"]}"));
        assertTrue(deliveries.get(60, TimeUnit.SECONDS) >= 3);

        for (Reply reply : during) {
            assertEquals(200, reply.status(), reply.body());
            assertEquals(List.of("medium"), reply.map().get("skipped"), reply.body());
        }
        assertEquals(List.of(), queue.drain(), "no requeue sent it again");
        Variant medium = variantsOf(asset).get("medium");
        assertEquals(VariantState.READY, medium.state());
        assertEquals(1, medium.attempts(), "claimed, so rendered, once since the requeue reset its attempts");
        assertTrue(store.head(medium.storageKey().orElseThrow()).isPresent(), "its object is in the bucket");
        assertEquals(AssetState.READY, stateOf(asset));
    }

    /** {@code n} calls released at once; their answers. */
    static <T> List<T> race(int n, java.util.function.Supplier<T> call) throws Exception {
        var start = new java.util.concurrent.CountDownLatch(1);
        List<CompletableFuture<T>> calls = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return call.get();
                }, pool));
            }
            start.countDown();
            List<T> answers = new java.util.ArrayList<>();
            for (var c : calls) {
                answers.add(c.get(60, TimeUnit.SECONDS));
            }
            return answers;
        }
    }

    static SQSMessage message(VariantJob job) {
        var m = new SQSMessage();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(VariantMessage.encode(json, job));
        m.setEventSource("aws:sqs");
        return m;
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void cancellingQueuedWorkDegradesTheAssetAndItsMessagesRenderNothingAndASecondCancelIsAConflict()
            throws Exception {
        Asset asset = stored("landscape.jpg");
        List<VariantJob> jobs = queue.drain();
        assertEquals(2, jobs.size());

        Reply reply = post(alice, "/v1/assets/" + asset.id() + "/processing/cancel", "");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(List.of("medium", "thumb"), ((List<?>) reply.map().get("cancelled")).stream().sorted().toList());
        assertEquals("degraded", reply.string("assetState"));
        assertEquals(AssetState.DEGRADED, stateOf(asset));
        Snapshot cancelled = snapshot(asset);
        assertTrue(cancelled.variants().stream().allMatch(v -> v.state() == VariantState.CANCELLED));

        render(jobs);

        assertEquals(cancelled, snapshot(asset), "the messages rendered nothing");
        assertTrue(cancelled.variants().stream().allMatch(v -> v.storageKey().isEmpty()), "nothing stored");

        assertProblem(post(alice, "/v1/assets/" + asset.id() + "/processing/cancel", ""), 409, "not_processing");
        assertEquals(cancelled, snapshot(asset));
    }

    @Test
    void aCancelledVariantCanBeRequeuedAndRendered() throws Exception {
        Asset asset = stored("landscape.jpg");
        queue.drain();
        assertEquals(200, post(alice, "/v1/assets/" + asset.id() + "/processing/cancel", "").status());

        Reply reply = requeue(alice, asset, "");

        assertEquals(List.of("thumb", "medium"), reply.map().get("enqueued"));
        render(queue.drain());
        assertEquals(AssetState.READY, stateOf(asset));
    }

    @Test
    void aCancelWhileAWorkerRendersLeavesTheVariantCancelledNotReady() throws Exception {
        Asset asset = stored("landscape.jpg");
        VariantJob thumb = only(queue.drain(), "thumb").getFirst();
        var cancelReply = new java.util.concurrent.atomic.AtomicReference<Reply>();
        ObjectStore cancellingMidRender = new DelegatingObjectStore(store) {
            @Override
            public void put(String key, java.io.InputStream body, long length, String contentType,
                            java.util.Optional<String> cacheControl) {
                cancelReply.set(post(alice, "/v1/assets/" + asset.id() + "/processing/cancel", ""));
                super.put(key, body, length, contentType, cacheControl);
            }
        };
        VariantSettings settings = context.getBean(VariantSettings.class);
        var render = new RenderVariant(assets, variants, cancellingMidRender, context.getBean(VariantRenderer.class),
                context.getBean(Profiles.class), settings.lease(), settings.maxAttempts());

        assertEquals(RenderVariant.Outcome.DROPPED, render.run(thumb), "the claim was lost while rendering");

        assertEquals(200, cancelReply.get().status(), cancelReply.get().body());
        assertEquals(List.of("medium", "thumb"), cancelReply.get().map().get("cancelled"), "the one in flight too");
        assertEquals(VariantState.CANCELLED, variantsOf(asset).get("thumb").state());
        assertTrue(variantsOf(asset).get("thumb").storageKey().isEmpty());
        assertEquals(AssetState.DEGRADED, stateOf(asset));
    }

    // ------------------------------------------------------------------ reprobe

    @Test
    @SuppressWarnings("unchecked")
    void reprobeRestoresTamperedProbeFieldsAndNamesExactlyThoseThatChanged() throws Exception {
        Asset asset = stored("exif-rotated.jpg");
        sql("UPDATE assets SET width = 17, height = 23, orientation = 1 WHERE id = ?", asset.id());
        Reply tampered = api.call(alice, "GET", "/v1/assets/" + asset.id(), "");
        assertEquals(17, ((Map<String, Object>) tampered.map().get("metadata")).get("width"));

        Reply reply = post(alice, "/v1/assets/" + asset.id() + "/reprobe", "");

        assertEquals(200, reply.status(), reply.body());
        assertEquals(asset.id().toString(), reply.string("assetId"));
        assertEquals(List.of("width", "height", "orientation"), reply.map().get("changed"));
        var before = (Map<String, Object>) reply.map().get("before");
        var after = (Map<String, Object>) reply.map().get("after");
        assertEquals(List.of(17, 23, 1), List.of(before.get("width"), before.get("height"), before.get("orientation")));
        assertEquals(List.of(600, 800, 6), List.of(after.get("width"), after.get("height"), after.get("orientation")));
        assertEquals("image/jpeg", after.get("contentType"));
        assertEquals("image", after.get("kind"));
        var metadata = (Map<String, Object>) api.call(alice, "GET", "/v1/assets/" + asset.id(), "").map().get("metadata");
        assertEquals(after, metadata, "GET shows the corrected fields");
        assertEquals(AssetState.PROCESSING, stateOf(asset), "reprobe changes the probe fields, nothing else");

        Reply again = post(alice, "/v1/assets/" + asset.id() + "/reprobe", "");
        assertEquals(200, again.status(), again.body());
        assertEquals(List.of(), again.map().get("changed"), "nothing left to correct");
    }

    @Test
    void aQuarantinedAssetCannotBeReprobedRequeuedOrCancelled() {
        Asset quarantined = stored(alice, "evil.jpg", "image/jpeg", TestMedia.bytes("html-named.jpg"));
        assertEquals(AssetState.QUARANTINED, quarantined.state());
        Snapshot before = snapshot(quarantined);
        for (String route : List.of("/reprobe", "/variants/requeue", "/processing/cancel")) {
            assertProblem(post(alice, "/v1/assets/" + quarantined.id() + route, ""), 404, "asset_not_found");
        }
        assertEquals(before, snapshot(quarantined));
        assertEquals(List.of(), queue.drain());
    }

    // ------------------------------------------------------------------ every route

    @Test
    void anotherPrincipalsAssetIsNotFoundOnEveryRouteAndNothingChanges() throws Exception {
        Asset asset = stored("exif-rotated.jpg");
        queue.drain();
        failed(variantsOf(asset).get("thumb")); // requeueable, and medium is still cancellable
        sql("UPDATE assets SET width = 17 WHERE id = ?", asset.id());
        Snapshot before = snapshot(asset);

        for (String route : List.of("/reprobe", "/variants/requeue", "/processing/cancel")) {
            assertProblem(post(mallory, "/v1/assets/" + asset.id() + route, ""), 404, "asset_not_found");
            assertEquals(before, snapshot(asset), route);
        }
        assertEquals(List.of(), queue.drain());
        // The same calls by the owner would have changed it: the 404s were not for want of anything to do.
        assertEquals(200, post(alice, "/v1/assets/" + asset.id() + "/processing/cancel", "").status());
        assertEquals(200, post(alice, "/v1/assets/" + asset.id() + "/reprobe", "").status());
    }

    @Test
    void aRandomIdIsNotFoundAndAnIdThatIsNotAUuidIsABadRequestOnEveryRoute() {
        for (String route : List.of("/reprobe", "/variants/requeue", "/processing/cancel")) {
            assertProblem(post(alice, "/v1/assets/" + UUID.randomUUID() + route, ""), 404, "asset_not_found");
            Reply notAUuid = post(alice, "/v1/assets/12345" + route, "");
            assertEquals(400, notAUuid.status(), route + " " + notAUuid.body());
            assertTrue(notAUuid.contentType().startsWith("application/problem+json"), notAUuid.contentType());
            assertEquals(400, post(alice, "/v1/assets/not-a-uuid" + route, "{}").status(), route);
        }
    }

    /** A PNG whose header declares {@code width}x{@code height}, with one tiny compressed row after it. */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        var out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        var ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array();
        chunk(out, "IHDR", ihdr);
        var deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] idat = new byte[128];
        int n = deflater.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        var crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
