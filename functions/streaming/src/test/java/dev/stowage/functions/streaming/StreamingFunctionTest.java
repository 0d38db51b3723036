package dev.stowage.functions.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.domain.streaming.ExpireProviderUploads;
import dev.stowage.lambda.streaming.MuxCredentials;
import dev.stowage.lambda.streaming.MuxSettings;
import dev.stowage.lambda.streaming.MuxStreamingProvider;
import dev.stowage.localstack.mux.MuxEmulator;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streaming function's handler on the real PostgreSQL, with the real Mux adapter talking HTTP to the Mux
 * emulator: create, upload the bytes to the emulator, deliver the webhooks it signed (in order, reversed,
 * replayed, forged), cancel in every state, the provider's 429 and outage, and the purger's expiry.
 */
class StreamingFunctionTest {
    /** The webhooks the emulator sent, held so each test delivers them when and how it chooses. */
    record Webhook(String signature, byte[] body) {
        String type() {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.substring(text.indexOf("\"type\":\"") + 8, text.indexOf('"', text.indexOf("\"type\":\"") + 8));
        }

        boolean about(String id) {
            return new String(body, StandardCharsets.UTF_8).contains(id);
        }
    }

    static final ConcurrentLinkedQueue<Webhook> SENT = new ConcurrentLinkedQueue<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static MuxEmulator mux;
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        mux = MuxEmulator.start(MuxEmulator.Options.of(0, (signature, body) -> SENT.add(new Webhook(signature, body))));
        Map<String, Object> p = new LinkedHashMap<>(TestStack.get().micronautProperties());
        p.put("stowage.streaming.mux.base-url", mux.endpoint().toString());
        p.put("stowage.streaming.mux.token-id", mux.tokenId());
        p.put("stowage.streaming.mux.token-secret", mux.tokenSecret());
        p.put("stowage.streaming.mux.webhook-secret", mux.webhookSecret());
        p.put("stowage.streaming.mux.webhook-max-bytes", "4KB");
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(p));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
        mux.close();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    ApiGatewayClient.Reply create(String owner, String body) {
        return api.call(owner, "POST", "/v1/streaming/uploads", body);
    }

    record Created(UUID assetId, String uploadUrl, String uploadId) {}

    Created created(String owner) {
        var reply = create(owner, "{\"profile\":\"stream\",\"filename\":\"clip.mp4\"}");
        assertEquals(201, reply.status(), reply.body());
        assertEquals(Set.of("uploadUrl", "assetId"), reply.map().keySet(), "exactly the URL and the asset id");
        UUID assetId = UUID.fromString(reply.string("assetId"));
        return new Created(assetId, reply.string("uploadUrl"), column(assetId, "provider_upload_id"));
    }

    ApiGatewayClient.Reply cancel(String owner, UUID assetId) {
        return api.call(owner, "DELETE", "/v1/streaming/uploads/" + assetId, null);
    }

    static int put(String url, byte[] bytes) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Waits until the emulator has sent {@code count} webhooks naming {@code id}, and returns them in order. */
    static List<Webhook> webhooks(String id, int count) {
        Eventually.await(Duration.ofSeconds(10), () -> SENT.stream().filter(w -> w.about(id)).count() >= count,
                count + " webhooks about " + id);
        return SENT.stream().filter(w -> w.about(id)).toList();
    }

    static ApiGatewayClient.Reply deliver(String signature, byte[] body) {
        var event = api.event(null, "POST", "/v1/streaming/webhooks/mux", "", "application/json",
                new String(body, StandardCharsets.UTF_8), false);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (signature != null) {
            headers.put("mux-signature", signature); // API Gateway lower-cases header names
        }
        event.setHeaders(headers);
        return api.send(event);
    }

    static ApiGatewayClient.Reply deliver(Webhook w) {
        return deliver(w.signature(), w.body());
    }

    static String signNow(byte[] body) {
        return MuxEmulator.sign(mux.webhookSecret(), Instant.now().getEpochSecond(), body);
    }

    static String column(UUID assetId, String column) {
        return query("SELECT " + column + " FROM provider_uploads WHERE asset_id = '" + assetId + "'");
    }

    static String assetState(UUID assetId) {
        return query("SELECT state FROM assets WHERE id = '" + assetId + "'");
    }

    static String query(String sql) {
        TestStack s = TestStack.get();
        try (var c = DriverManager.getConnection(s.jdbcUrl(), s.dbUser(), s.dbPassword());
             var st = c.createStatement(); var r = st.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(String sql) {
        TestStack s = TestStack.get();
        try (var c = DriverManager.getConnection(s.jdbcUrl(), s.dbUser(), s.dbPassword());
             var st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T bean(Class<T> type) {
        return function.getApplicationContext().getBean(type);
    }

    // --- the happy path, replays and reordering ---------------------------------------------------------------

    @Test
    void createUploadAndWebhooksEndReadyWithAPlaybackId() throws Exception {
        Created c = created(alice);
        assertEquals("uploading", column(c.assetId(), "state"));
        assertNotNull(c.uploadId());
        assertFalse(c.uploadUrl().contains(mux.tokenSecret()), "no credential in the URL");
        assertEquals("staged", assetState(c.assetId()));

        assertEquals(200, put(c.uploadUrl(), "not really a video".repeat(1000).getBytes(StandardCharsets.UTF_8)));
        List<Webhook> sent = webhooks(c.uploadId(), 3);
        assertEquals(List.of("video.upload.asset_created", "video.asset.created", "video.asset.ready"),
                sent.stream().map(Webhook::type).toList());
        for (Webhook w : sent) {
            assertEquals(200, deliver(w).status());
        }

        assertEquals("ready", column(c.assetId(), "state"));
        assertNotNull(column(c.assetId(), "playback_id"));
        assertNotNull(column(c.assetId(), "provider_asset_id"));
        assertEquals("ready", assetState(c.assetId()));
        assertEquals("video", query("SELECT kind FROM assets WHERE id = '" + c.assetId() + "'"));
        assertEquals("asset_created", bean(StreamingProvider.class).upload(c.uploadId()).status(),
                "the adapter's GET reads the provider's view");

        String playback = column(c.assetId(), "playback_id");
        for (Webhook w : sent) {
            var replay = deliver(w);
            assertEquals(200, replay.status());
            assertEquals(false, replay.map().get("changed"), "a replay changes nothing: " + w.type());
        }
        assertEquals("ready", column(c.assetId(), "state"));
        assertEquals(playback, column(c.assetId(), "playback_id"));
    }

    @Test
    void aReadyThatOvertakesAssetCreatedStillEndsReady() throws Exception {
        Created c = created(alice);
        assertEquals(200, put(c.uploadUrl(), new byte[] {1, 2, 3}));
        List<Webhook> sent = new ArrayList<>(webhooks(c.uploadId(), 3));
        java.util.Collections.reverse(sent);

        var ready = deliver(sent.getFirst());
        assertEquals(true, ready.map().get("changed"));
        assertEquals("ready", column(c.assetId(), "state"));
        for (Webhook w : sent.subList(1, sent.size())) {
            assertEquals(false, deliver(w).map().get("changed"), w.type() + " after ready");
        }
        assertEquals("ready", column(c.assetId(), "state"));
        assertEquals("ready", assetState(c.assetId()));
    }

    // --- webhook authentication and bad bodies -----------------------------------------------------------------

    @Test
    void aForgedStaleOrMissingSignatureIs401AndChangesNothing() throws Exception {
        Created c = created(alice);
        assertEquals(200, put(c.uploadUrl(), new byte[] {1}));
        Webhook ready = webhooks(c.uploadId(), 3).getLast();

        String otherUpload = new String(ready.body(), StandardCharsets.UTF_8);
        byte[] tampered = otherUpload.replace("\"duration\":", "\"duration\":1").getBytes(StandardCharsets.UTF_8);
        byte[] body = ready.body();
        long now = Instant.now().getEpochSecond();
        for (var forged : List.of(
                new Webhook(ready.signature(), tampered),
                new Webhook(MuxEmulator.sign("not-the-secret", now, body), body),
                new Webhook(MuxEmulator.sign(mux.webhookSecret(), now - 3600, body), body),
                new Webhook(null, body),
                new Webhook("t=" + now + ",v1=nothex", body))) {
            var reply = deliver(forged);
            assertEquals(401, reply.status(), reply.body());
            assertEquals("unauthenticated", reply.string("code"));
        }
        assertEquals("uploading", column(c.assetId(), "state"), "no forged event was applied");
        assertEquals("staged", assetState(c.assetId()));
    }

    @Test
    void garbageOversizeAndUnknownBodiesAreAnsweredWithout5xx() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        var bad = deliver(signNow(garbage), garbage);
        assertEquals(400, bad.status(), bad.body());
        assertEquals("malformed_request", bad.string("code"));

        byte[] noData = "{\"type\":\"video.asset.ready\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, deliver(signNow(noData), noData).status());

        byte[] huge = ("{\"type\":\"video.asset.ready\",\"pad\":\"" + "x".repeat(5000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        var tooLarge = deliver(signNow(huge), huge);
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals("too_large", tooLarge.string("code"));

        byte[] unknown = "{\"type\":\"video.live_stream.idle\",\"data\":{\"id\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
        var ignored = deliver(signNow(unknown), unknown);
        assertEquals(200, ignored.status());
        assertEquals(false, ignored.map().get("changed"));

        var unknownProvider = api.send(api.event(null, "POST", "/v1/streaming/webhooks/vimeo", "", "application/json",
                "{}", false));
        assertEquals(404, unknownProvider.status());
    }

    @Test
    void theSampleEventDecodesAndAnUploadNoRowKnowsIsAcknowledged() {
        byte[] sample = Events.text("mux-webhook-video-asset-ready.json").getBytes(StandardCharsets.UTF_8);
        var reply = deliver(signNow(sample), sample);
        assertEquals(200, reply.status(), reply.body());
        assertEquals("asset_ready", reply.string("received"));
        assertEquals(false, reply.map().get("changed"));
    }

    // --- cancel -------------------------------------------------------------------------------------------------

    @Test
    void cancelBeforeTheUploadThenAgainIsTwo204sAndTheProviderUploadIsCancelled() throws Exception {
        Created c = created(alice);

        assertEquals(204, cancel(alice, c.assetId()).status());
        assertEquals("deleted", column(c.assetId(), "state"));
        assertEquals(Optional.of("cancelled"), mux.status(c.uploadId()));
        assertEquals(204, cancel(alice, c.assetId()).status(), "a second cancel is success");

        Webhook cancelled = webhooks(c.uploadId(), 1).getFirst();
        assertEquals("video.upload.cancelled", cancelled.type());
        assertEquals(false, deliver(cancelled).map().get("changed"));
        assertEquals(400, put(c.uploadUrl(), new byte[] {1}), "the cancelled URL takes no bytes");
    }

    @Test
    void cancelAfterTheProviderFinished() throws Exception {
        Created ready = created(alice);
        assertEquals(200, put(ready.uploadUrl(), new byte[] {1, 2}));
        for (Webhook w : webhooks(ready.uploadId(), 3)) {
            deliver(w);
        }
        var refused = cancel(alice, ready.assetId());
        assertEquals(409, refused.status(), refused.body());
        assertEquals("not_cancellable", refused.string("code"));
        assertEquals("state", refused.string("reason"));
        assertEquals("ready", refused.string("state"));
        assertEquals("ready", column(ready.assetId(), "state"));

        Created errored = created(alice);
        assertEquals(200, put(errored.uploadUrl(), new byte[0]), "an empty file errors at the provider");
        Webhook failed = webhooks(errored.uploadId(), 1).getFirst();
        assertEquals("video.upload.errored", failed.type());
        assertEquals(true, deliver(failed).map().get("changed"));
        assertEquals("errored", column(errored.assetId(), "state"));
        assertEquals(204, cancel(alice, errored.assetId()).status(), "the provider already ended it");
    }

    @Test
    void cancelRefusalsSayWhy() {
        assertEquals("not_found", cancel(alice, UUID.randomUUID()).string("code"));
        Created theirs = created("bob-" + UUID.randomUUID());
        var notYours = cancel(alice, theirs.assetId());
        assertEquals(404, notYours.status());
        assertEquals("uploading", column(theirs.assetId(), "state"));

        UUID stored = UUID.randomUUID();
        bean(Assets.class).insert(Asset.staged(stored, new Principal(alice), "video", "a.mp4", "video/mp4", 10,
                Optional.empty(), "staging/" + stored + "/a.mp4", Instant.now()));
        var storage = cancel(alice, stored);
        assertEquals(409, storage.status(), storage.body());
        assertEquals("ingest_mode", storage.string("reason"));
        assertEquals("storage", storage.string("ingestMode"));

        assertEquals(400, api.call(alice, "DELETE", "/v1/streaming/uploads/not-a-uuid", null).status());
    }

    // --- the provider failing -----------------------------------------------------------------------------------

    @Test
    void aProvider5xxIsRetriedOnceThenAnOutageLeavesAPendingRowThatCannotBeCancelledYet() {
        int before = mux.apiCalls();
        mux.failNext(503, 1);
        created(alice);
        assertEquals(before + 2, mux.apiCalls(), "one failure, one retry");

        mux.failNext(503, 2);
        var outage = create(alice, "{\"profile\":\"stream\"}");
        assertEquals(502, outage.status(), outage.body());
        assertEquals("provider_sync_failed", outage.string("code"));
        String assetId = query("SELECT asset_id FROM provider_uploads WHERE principal = '" + alice
                + "' AND state = 'pending'");
        assertNotNull(assetId, "the row the purger reconciles");

        var missing = cancel(alice, UUID.fromString(assetId));
        assertEquals(409, missing.status(), missing.body());
        assertEquals("missing_upload_id", missing.string("reason"));
    }

    @Test
    void anUnreachableProviderIsUnavailableNotAnError() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var settings = new MuxSettings("http://127.0.0.1:" + closedPort, "id", "secret", "whsec", null, null,
                Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(5), 4096);
        var unreachable = new MuxStreamingProvider(settings, new MuxCredentials.FromConfiguration(settings),
                bean(io.micronaut.json.JsonMapper.class), java.time.Clock.systemUTC());
        var streaming = new dev.stowage.domain.profile.Streaming("mux",
                dev.stowage.domain.profile.Streaming.PlaybackPolicy.PUBLIC, Optional.empty(), Duration.ofHours(1));

        var create = org.junit.jupiter.api.Assertions.assertThrows(StreamingProvider.Failure.class,
                () -> unreachable.createDirectUpload(UUID.randomUUID(), streaming));
        assertEquals(StreamingProvider.Failure.Kind.UNAVAILABLE, create.kind());
        var cancel = org.junit.jupiter.api.Assertions.assertThrows(StreamingProvider.Failure.class,
                () -> unreachable.cancelUpload("abc"));
        assertEquals(StreamingProvider.Failure.Kind.UNAVAILABLE, cancel.kind());
    }

    @Test
    void theProvidersRateLimitIsProviderQuotaExceeded() {
        mux.failNext(429, 1);
        var create = create(alice, "{\"profile\":\"stream\"}");
        assertEquals(429, create.status(), create.body());
        assertEquals("provider_quota_exceeded", create.string("code"));
        assertEquals("provider_quota_exceeded", query("SELECT error FROM provider_uploads WHERE principal = '"
                + alice + "' AND state = 'errored'"));

        Created c = created(alice);
        mux.failNext(429, 1);
        var cancel = cancel(alice, c.assetId());
        assertEquals(429, cancel.status(), cancel.body());
        assertEquals("provider_quota_exceeded", cancel.string("code"));
        assertEquals("deleted", column(c.assetId(), "state"), "FSM first: the local cancel stands");
        assertEquals(204, cancel(alice, c.assetId()).status());
    }

    // --- create's bad input -------------------------------------------------------------------------------------

    @Test
    void createRefusesWhatItCannotServe() {
        assertEquals("unknown_profile", create(alice, "{\"profile\":\"nope\"}").string("code"));
        var image = create(alice, "{\"profile\":\"image\"}");
        assertEquals(422, image.status());
        assertEquals("streaming_not_configured", image.string("code"));
        assertEquals("invalid_filename", create(alice, "{\"profile\":\"stream\",\"filename\":\"../x\"}").string("code"));
        assertEquals(400, create(alice, "{\"profile\":").status());
        assertEquals(401, create(null, "{\"profile\":\"stream\"}").status());
    }

    // --- the purger ---------------------------------------------------------------------------------------------

    @Test
    void thePurgerExpiresUploadsOpenPastTheProfilesTimeoutAndCancelsThemAtTheProvider() {
        Created old = created(alice);
        Created fresh = created(alice);
        execute("UPDATE provider_uploads SET created_at = now() - interval '2 hours' WHERE asset_id = '"
                + old.assetId() + "'");

        ExpireProviderUploads.Report report = bean(ExpireProviderUploads.class).run(false);

        assertTrue(report.expired() >= 1 && report.providerCancelled() >= 1, report.toString());
        assertEquals("errored", column(old.assetId(), "state"));
        assertEquals("timed_out", column(old.assetId(), "error"));
        assertEquals(Optional.of("cancelled"), mux.status(old.uploadId()));
        assertEquals("uploading", column(fresh.assetId(), "state"));
        assertEquals(Optional.of("waiting"), mux.status(fresh.uploadId()));
    }

    // --- a create whose answer was lost ------------------------------------------------------------------------

    /** A create the emulator carries out and then answers 500: the row stays pending, the upload exists. */
    UUID lostCreate(String owner) {
        int before = mux.apiCalls();
        mux.loseNextCreateAnswers(1);
        var reply = create(owner, "{\"profile\":\"stream\"}");
        assertEquals(502, reply.status(), reply.body());
        assertEquals("provider_sync_failed", reply.string("code"));
        assertEquals(before + 1, mux.apiCalls(), "a create's 500 is not retried: the upload may have been made");
        UUID assetId = UUID.fromString(query("SELECT asset_id FROM provider_uploads WHERE principal = '" + owner
                + "' AND state = 'pending' ORDER BY created_at DESC LIMIT 1"));
        assertEquals(null, column(assetId, "provider_upload_id"));
        assertTrue(mux.uploadFor(assetId.toString()).isPresent(), "the emulator made the upload");
        return assetId;
    }

    static void age(UUID assetId, String interval) {
        execute("UPDATE provider_uploads SET created_at = now() - interval '" + interval + "' WHERE asset_id = '"
                + assetId + "'");
    }

    @Test
    void thePurgerFindsALostCreatesUploadByPassthroughRecordsItAndCancelsOnePastItsTimeout() {
        UUID young = lostCreate(alice);   // within the grace: its create may still be waiting for the answer
        UUID lost = lostCreate(alice);    // past the grace, within the timeout: recorded, goes on
        UUID stale = lostCreate(alice);   // past the timeout: recorded, then expired and cancelled at Mux
        age(lost, "5 minutes");
        age(stale, "2 hours");

        ExpireProviderUploads.Report report = bean(ExpireProviderUploads.class).run(false);

        assertTrue(report.reconciled() >= 2, report.toString());
        String lostUpload = mux.uploadFor(lost.toString()).orElseThrow();
        assertEquals("uploading", column(lost, "state"));
        assertEquals(lostUpload, column(lost, "provider_upload_id"));
        assertEquals(Optional.of("waiting"), mux.status(lostUpload));
        String staleUpload = mux.uploadFor(stale.toString()).orElseThrow();
        assertEquals(staleUpload, column(stale, "provider_upload_id"));
        assertEquals("errored", column(stale, "state"));
        assertEquals("timed_out", column(stale, "error"));
        assertEquals(Optional.of("cancelled"), mux.status(staleUpload), "no upload left that no row knows");
        assertEquals("pending", column(young, "state"));
        assertEquals(null, column(young, "provider_upload_id"));
    }

    @Test
    void aPendingRowWhoseUploadMuxNeverMadeExpiresAtItsTimeoutWithNothingToCancel() {
        int before = mux.apiCalls();
        mux.failNext(503, 2);
        var outage = create(alice, "{\"profile\":\"stream\"}");
        assertEquals(502, outage.status(), outage.body());
        assertEquals(before + 2, mux.apiCalls(), "a 503 says nothing was made: retried once");
        UUID assetId = UUID.fromString(query("SELECT asset_id FROM provider_uploads WHERE principal = '" + alice
                + "' AND state = 'pending'"));
        age(assetId, "5 minutes");

        bean(ExpireProviderUploads.class).run(false);
        assertEquals("pending", column(assetId, "state"), "not found, not yet timed out: it waits");

        age(assetId, "2 hours");
        ExpireProviderUploads.Report report = bean(ExpireProviderUploads.class).run(false);

        assertTrue(report.expired() >= 1, report.toString());
        assertEquals("errored", column(assetId, "state"));
        assertEquals("timed_out", column(assetId, "error"));
        assertEquals(null, column(assetId, "provider_upload_id"));
        assertTrue(mux.uploadFor(assetId.toString()).isEmpty());
    }

    @Test
    void anAssetCreatedForAPendingRowThatNeverLearntItsUploadIdIsMatchedByPassthrough() throws Exception {
        UUID assetId = lostCreate(alice);
        String uploadId = mux.uploadFor(assetId.toString()).orElseThrow();
        // Someone holds the URL after all (the answer was lost on the way back): the bytes arrive.
        assertEquals(200, put(mux.endpoint() + "/upload/" + uploadId, new byte[200_000]));
        List<Webhook> sent = webhooks(uploadId, 3);
        assertEquals("video.upload.asset_created", sent.getFirst().type());

        assertEquals(200, deliver(sent.getFirst()).status());
        assertEquals("processing", column(assetId, "state"));
        assertEquals(uploadId, column(assetId, "provider_upload_id"), "the upload id is learnt from the event");
        for (Webhook w : sent.subList(1, sent.size())) {
            assertEquals(200, deliver(w).status());
        }
        assertEquals("ready", column(assetId, "state"));
        assertEquals("ready", assetState(assetId));
    }
}
