package dev.stowage.functions.exportworker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Principal;
import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.export.Export;
import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.export.ExportLimits;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.export.GenerateExport;
import dev.stowage.domain.export.PurgeExpiredExports;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.lambda.config.ExportSettings;
import dev.stowage.lambda.events.ExportMessage;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.DelegatingMultipartStore;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.RecordingWorkQueue;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous exports end to end on the real PostgreSQL and S3 server: POST /v1/exports through the exports
 * function's handler (with the sync threshold at 5 rows, and exports past 1 KB kept in the bucket), the job the
 * recording queue holds delivered to the export-worker as SQS would (twice, after a storage failure, after the
 * purger sent it again), and the download compared byte for byte with what the synchronous path writes.
 */
class ExportWorkerHandlerTest {
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static APIGatewayV2HTTPEventFunction function;
    static ApplicationContext context;
    static ApiGatewayClient api;
    static JsonMapper json;
    static RecordingWorkQueue queue;
    static Exports exports;

    final String alice = "alice-" + UUID.randomUUID();
    /** Multipart uploads the worker opened. */
    final AtomicInteger uploadsOpened = new AtomicInteger();
    /** Part uploads fail while positive, counting down. */
    final AtomicInteger failingParts = new AtomicInteger();
    /** Runs as the worker sends a part, before storage: where a race is staged. */
    volatile Runnable duringWrite = () -> { };
    ExportWorkerHandler handler;

    @BeforeAll
    static void start() {
        Map<String, Object> p = new LinkedHashMap<>(TestStack.get().micronautProperties());
        p.put("stowage.exports.sync-max-rows", 5);
        p.put("stowage.exports.inline-max-bytes", "1KB");
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(p));
        context = function.getApplicationContext();
        api = new ApiGatewayClient(function);
        json = context.getBean(JsonMapper.class);
        queue = context.getBean(RecordingWorkQueue.class);
        exports = context.getBean(Exports.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    @BeforeEach
    void handlerWatchingStorage() {
        queue.drainExports();
        MultipartStore multipart = new DelegatingMultipartStore(context.getBean(MultipartStore.class)) {
            @Override
            public String create(String key, String contentType) {
                uploadsOpened.incrementAndGet();
                return super.create(key, contentType);
            }

            @Override
            public Part uploadPart(String key, String uploadId, int partNumber, InputStream body, long length) {
                duringWrite.run();
                if (failingParts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new IllegalStateException("storage answers 503 SlowDown");
                }
                return super.uploadPart(key, uploadId, partNumber, body, length);
            }
        };
        handler = handlerOver(exports, multipart);
    }

    /** The worker as the function builds it, over the given rows and uploads (wrapped to fail or watch). */
    ExportWorkerHandler handlerOver(Exports rows, MultipartStore multipart) {
        ExportSettings settings = context.getBean(ExportSettings.class);
        return new ExportWorkerHandler(json, new GenerateExport(rows, context.getBean(AssetInventory.class),
                multipart, context.getBean(ObjectStore.class), settings.limits(), settings.maxAttempts()));
    }

    // ------------------------------------------------------------------ helpers

    ApiGatewayClient.Reply create(String owner, Map<String, Object> body) throws IOException {
        return api.call(owner, "POST", "/v1/exports", json.writeValueAsString(body));
    }

    static Map<String, Object> inventory(String filename) {
        return new LinkedHashMap<>(Map.of("filename", filename, "format", "csv", "contentType", "text/csv",
                "generator", "asset-inventory"));
    }

    ApiGatewayClient.Reply poll(String owner, String id) {
        return api.call(owner, "GET", "/v1/exports/" + id, null);
    }

    String deliver(List<ExportJob> jobs) throws IOException {
        return deliver(handler, jobs);
    }

    String deliver(ExportWorkerHandler to, List<ExportJob> jobs) throws IOException {
        var event = new SQSEvent();
        event.setRecords(jobs.stream().map(this::message).toList());
        return handle(to, json.writeValueAsString(event));
    }

    SQSMessage message(ExportJob job) {
        var m = new SQSMessage();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(ExportMessage.encode(json, job));
        m.setEventSource("aws:sqs");
        return m;
    }

    String handle(String sqsEvent) throws IOException {
        return handle(handler, sqsEvent);
    }

    String handle(ExportWorkerHandler to, String sqsEvent) throws IOException {
        var out = new ByteArrayOutputStream();
        to.handleRequest(new ByteArrayInputStream(sqsEvent.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The bytes behind a download link: the 303 to a presigned GET, followed. */
    byte[] downloaded(String downloadUrl) throws Exception {
        int q = downloadUrl.indexOf('?');
        var event = api.event(null, "GET", downloadUrl.substring(0, q), downloadUrl.substring(q + 1),
                "application/json", "", false);
        var answer = function.handleRequest(event, null);
        assertEquals(303, answer.getStatusCode(), "kept in the bucket: " + answer.getBody());
        var fetched = HTTP.send(HttpRequest.newBuilder(URI.create(header(answer.getHeaders(), "Location"))).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fetched.statusCode());
        return fetched.body();
    }

    static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    ExportState stateOf(String id) {
        return exports.find(UUID.fromString(id)).orElseThrow().state();
    }

    static void sql(String statement) {
        TestStack s = TestStack.get();
        try (var c = DriverManager.getConnection(s.jdbcUrl(), s.dbUser(), s.dbPassword());
             var st = c.createStatement()) {
            st.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code n} ready images of {@code owner}, inserted in one statement. */
    static void insertAssets(String owner, int n) {
        sql("""
                INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key,
                                    storage_key, content_type, kind, width, height, created_at)
                SELECT gen_random_uuid(), '%1$s', 'image', 'ready', 'photo, "' || i || '".jpg', 'image/jpeg', 1000 + i,
                       'staging/%1$s/' || i, 'assets/%1$s/' || i, 'image/jpeg', 'image', 640, 480,
                       now() - i * interval '1 second'
                  FROM generate_series(1, %2$d) i""".formatted(owner, n));
    }

    // ------------------------------------------------------------------ tests

    @Test
    void anInventoryOverTheThresholdIsPendingUntilTheWorkerWritesItByteIdenticalToTheSynchronousPath()
            throws Exception {
        insertAssets(alice, 40);
        var created = create(alice, inventory("assets.csv"));

        assertEquals(202, created.status(), created.body());
        String id = created.string("id");
        assertEquals("/v1/exports/" + id, header(created.headers(), "Location"));
        assertEquals("5", header(created.headers(), "Retry-After"));
        assertEquals("pending", created.string("state"));
        assertNull(created.map().get("downloadUrl"), "no link before there are bytes");
        assertEquals(List.of(new ExportJob(UUID.fromString(id))), queue.drainExports());
        var waiting = poll(alice, id);
        assertEquals(200, waiting.status());
        assertEquals("pending", waiting.string("state"));
        assertNull(waiting.map().get("downloadUrl"));

        assertEquals(ALL_SUCCEEDED, deliver(List.of(new ExportJob(UUID.fromString(id)))));

        var ready = poll(alice, id);
        assertEquals("ready", ready.string("state"), ready.body());
        assertEquals(40, ((Number) ready.map().get("rowCount")).intValue());
        assertEquals("bucket", ready.string("storedIn"));
        byte[] queued = downloaded(ready.string("downloadUrl"));
        // The same inventory written inside the call, as an export under the threshold is.
        ExportLimits l = context.getBean(ExportSettings.class).limits();
        var inCall = new CreateExport(exports, context.getBean(AssetInventory.class),
                context.getBean(MultipartStore.class), context.getBean(ObjectStore.class),
                context.getBean(WorkQueue.class), Clock.systemUTC(), new ExportLimits(l.inlineMaxBytes(), l.maxBytes(),
                l.partBytes(), l.defaultTtl(), l.maxTtl(), l.linkTtl(), l.pendingLease(), l.listLimit(), 1_000))
                .execute(new Principal(alice), new CreateExport.Command("assets.csv", "csv", "text/csv", null, null,
                        null, Map.of(), new CreateExport.Source.Inventory(AssetInventory.Filter.none()), null))
                .orElseThrow();
        assertEquals(ExportState.READY, inCall.state());
        byte[] sync = downloaded(poll(alice, inCall.id().toString()).string("downloadUrl"));
        assertArrayEquals(sync, queued, "the worker writes what the API call writes");
        assertEquals(inCall.checksumSha256(), ready.string("checksumSha256"));
        assertTrue(new String(queued, StandardCharsets.UTF_8).contains("\"photo, \"\"7\"\".jpg\""),
                "quoted as CSV needs");
    }

    @Test
    void aClaimWhoseAnswerIsLostIsHandedBackAndTheRedeliveryWritesAtOnce() throws Exception {
        insertAssets(alice, 3);
        var created = create(alice, Map.of("filename", "x.csv", "format", "csv", "contentType", "text/csv",
                "generator", "asset-inventory", "async", true, "filters", Map.of("state", "ready")));
        assertEquals(202, created.status(), created.body());
        List<ExportJob> jobs = queue.drainExports();
        // The database commits the claim and the answer never reaches the worker.
        Exports answerLost = (Exports) java.lang.reflect.Proxy.newProxyInstance(Exports.class.getClassLoader(),
                new Class<?>[] {Exports.class}, (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(exports, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("claim")) {
                        throw new IllegalStateException("the connection reset before the claim's answer");
                    }
                    return answer;
                });
        String lost = deliver(handlerOver(answerLost, context.getBean(MultipartStore.class)), jobs);
        assertTrue(lost.contains("itemIdentifier"), "redelivered: " + lost);

        assertEquals(ALL_SUCCEEDED, deliver(jobs));
        assertEquals(ExportState.READY, stateOf(created.string("id")), "written by the redelivery, not after a lease");
    }

    @Test
    void aDuplicateMessageWritesNothingWhetherItComesDuringTheWriteOrAfterIt() throws Exception {
        insertAssets(alice, 10);
        // Even an inventory under the threshold is queued when the client asks.
        var created = create(alice, Map.of("filename", "x.csv", "format", "csv", "contentType", "text/csv",
                "generator", "asset-inventory", "async", true, "filters", Map.of("state", "ready")));
        assertEquals(202, created.status(), created.body());
        List<ExportJob> jobs = queue.drainExports();
        assertEquals(1, jobs.size());
        String[] duringAnswer = new String[1];
        duringWrite = () -> {
            duringWrite = () -> { };
            try {
                duringAnswer[0] = deliver(jobs); // the same message again while the first holds the claim
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        assertEquals(ALL_SUCCEEDED, deliver(jobs));
        assertEquals(ALL_SUCCEEDED, duringAnswer[0], "a duplicate is acknowledged, not retried");
        assertEquals(ALL_SUCCEEDED, deliver(jobs), "and so is a late one");

        assertEquals(1, uploadsOpened.get(), "one write, whatever the deliveries");
        assertEquals(ExportState.READY, stateOf(created.string("id")));
        assertEquals(10, ((Number) poll(alice, created.string("id")).map().get("rowCount")).intValue());
    }

    @Test
    void aStorageFailureMidWriteLeavesNoObjectAndTheRedeliveredMessageWritesIt() throws Exception {
        insertAssets(alice, 30);
        var created = create(alice, inventory("retry.csv"));
        assertEquals(202, created.status(), created.body());
        String id = created.string("id");
        List<ExportJob> jobs = queue.drainExports();
        failingParts.set(1);
        SQSMessage first = message(jobs.getFirst());
        var event = new SQSEvent();
        event.setRecords(List.of(first));

        String answer = handle(json.writeValueAsString(event));

        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"" + first.getMessageId() + "\"}]}", answer,
                "a transient failure comes back");
        String key = Export.keyOf(UUID.fromString(id));
        assertTrue(context.getBean(ObjectStore.class).head(key).isEmpty(), "no object");
        assertTrue(context.getBean(MultipartStore.class).listUploads(key, 10).isEmpty(), "no open upload");
        var queued = exports.findQueued(UUID.fromString(id)).orElseThrow();
        assertEquals(ExportState.PENDING, queued.export().state());
        assertEquals(1, queued.attempts());

        assertEquals(ALL_SUCCEEDED, handle(json.writeValueAsString(event)), "the claim was released: SQS's retry writes it");
        assertEquals(ExportState.READY, stateOf(id));
        assertEquals(2, uploadsOpened.get());
        byte[] bytes = downloaded(poll(alice, id).string("downloadUrl"));
        assertEquals(31, new String(bytes, StandardCharsets.UTF_8).lines().count(), "a header and 30 rows");
    }

    @Test
    void anExportWhoseWorkerDiedOnEveryAttemptFailsWithThatReasonAndWritesNothing() throws Exception {
        insertAssets(alice, 7);
        String id = create(alice, inventory("doomed.csv")).string("id");
        List<ExportJob> jobs = queue.drainExports();
        // Three claims whose workers died (timed out): each lease ran out without a word.
        sql("UPDATE exports SET attempts = 3, lease_owner = 'dead-worker', lease_until = now() - interval '1 second'"
                + " WHERE id = '" + id + "'");

        assertEquals(ALL_SUCCEEDED, deliver(jobs), "a settled outcome, not a retry");

        assertEquals(0, uploadsOpened.get());
        var polled = poll(alice, id);
        assertEquals("failed", polled.string("state"));
        assertEquals(GenerateExport.ATTEMPTS_EXHAUSTED, polled.string("failureReason"));
    }

    @Test
    void thePurgerSendsALostJobAgainLetsAQueuedExportWaitAndFailsOnePastItsDeadline() throws Exception {
        insertAssets(alice, 8);
        String lost = create(alice, inventory("lost.csv")).string("id");
        String late = create(alice, inventory("late.csv")).string("id");
        assertEquals(2, queue.drainExports().size()); // both messages lost
        // Sent ten minutes ago and created an hour ago: past requeue-after (5m) and pending-lease (15m), within
        // queued-deadline (3h). The other was created four hours ago.
        sql("UPDATE exports SET queued_at = now() - interval '10 minutes', created_at = now() - interval '1 hour'"
                + " WHERE id = '" + lost + "'");
        sql("UPDATE exports SET queued_at = now() - interval '10 minutes', created_at = now() - interval '4 hours'"
                + " WHERE id = '" + late + "'");
        PurgeExpiredExports purge = context.getBean(PurgeExpiredExports.class);

        var report = purge.execute();

        assertTrue(report.requeued() >= 1, report.toString());
        assertTrue(report.abandonedFailed() >= 1, report.toString());
        List<ExportJob> resent = queue.drainExports();
        assertTrue(resent.contains(new ExportJob(UUID.fromString(lost))), resent.toString());
        assertFalse(resent.contains(new ExportJob(UUID.fromString(late))), "past its deadline: not sent again");
        assertEquals(ExportState.PENDING, stateOf(lost), "a queued export waits past pending-lease");
        var failed = poll(alice, late);
        assertEquals("failed", failed.string("state"));
        assertEquals("deadline_exceeded", failed.string("failureReason"));
        purge.execute();
        assertTrue(queue.drainExports().stream().noneMatch(j -> j.exportId().toString().equals(lost)),
                "sent once per starvation: the next run leaves it alone");

        // The worker reads the re-sent job from the wire as events/ shows it.
        String sample = Events.text("sqs-export-work.json").replace("9e4d2c1b-6a7f-4b83-9c05-d1e2f3a4b5c6", lost);
        assertEquals(ALL_SUCCEEDED, handle(sample));
        assertEquals(ExportState.READY, stateOf(lost));
        assertEquals("ready", poll(alice, lost).string("state"));
    }
}
