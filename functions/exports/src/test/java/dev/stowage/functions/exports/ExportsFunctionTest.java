package dev.stowage.functions.exports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.export.Export;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.export.ExportTokens;
import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.export.PurgeExpiredExports;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.RecordingWorkQueue;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exports through the exports function's handler on the real PostgreSQL and S3 server: inline and bucket
 * exports downloaded byte for byte, the token as the only key, each principal's exports its own, bad input
 * answered with stable codes, and the purge.
 */
class ExportsFunctionTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int PART_BYTES = 5 * 1024 * 1024;
    final String alice = "alice-" + UUID.randomUUID();
    final String bob = "bob-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        var properties = new java.util.HashMap<>(TestStack.get().micronautProperties());
        // S3's smallest part, so that a bucket export of a few parts needs a few MB of rows, not tens.
        properties.put("stowage.exports.part-bytes", "5MB"); // = PART_BYTES
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(properties));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static <T> T bean(Class<T> type) {
        return function.getApplicationContext().getBean(type);
    }

    static String json(Map<String, Object> body) {
        try {
            return bean(io.micronaut.json.JsonMapper.class).writeValueAsString(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    ApiGatewayClient.Reply create(String owner, String body) {
        return api.call(owner, "POST", "/v1/exports", body);
    }

    /** The download as a browser makes it: no JWT, only the URL. Binary bodies come back decoded. */
    static Raw download(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        var event = api.event(null, "GET", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                q < 0 ? "" : pathAndQuery.substring(q + 1), "application/json", "", false);
        var r = function.handleRequest(event, null);
        byte[] body = r.getBody() == null ? new byte[0] : r.getIsBase64Encoded()
                ? Base64.getDecoder().decode(r.getBody()) : r.getBody().getBytes(StandardCharsets.UTF_8);
        return new Raw(r.getStatusCode(), r.getHeaders() == null ? Map.of() : r.getHeaders(), body);
    }

    record Raw(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
    }

    @Test
    void inlineContentDownloadsByteIdenticalWithItsTypeASafeNameAndNoCaching() {
        String text = "id,name\n1,Crème brûlée\n2,\"quoted, comma\"\n";
        var created = create(alice, json(Map.of("filename", "Répertoire \"final\".csv", "format", "csv",
                "contentType", "text/csv; charset=utf-8", "content", text, "workflowId", "wf-1", "requestId", "rq-1",
                "labels", Map.of("team", "ops"))));
        assertEquals(201, created.status(), created.body());
        var view = created.map();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals("ready", view.get("state"));
        assertEquals("database", view.get("storedIn"));
        assertEquals(bytes.length, ((Number) view.get("byteSize")).intValue());
        assertEquals(Checksums.sha256Base64(bytes), view.get("checksumSha256"));
        assertEquals("wf-1", view.get("workflowId"));
        assertEquals(Map.of("team", "ops"), view.get("labels"));
        assertNull(view.get("rowCount"), "inline content has no row count");
        Instant createdAt = Instant.parse((String) view.get("createdAt"));
        Instant expiresAt = Instant.parse((String) view.get("expiresAt"));
        assertEquals(7, ChronoUnit.DAYS.between(createdAt, expiresAt), "the default TTL");

        Raw got = download((String) view.get("downloadUrl"));
        assertEquals(200, got.status());
        assertArrayEquals(bytes, got.body());
        assertEquals("text/csv; charset=utf-8", got.header("Content-Type"));
        assertEquals("attachment; filename=\"R_pertoire _final_.csv\"; filename*=UTF-8''R%C3%A9pertoire%20%22final%22.csv",
                got.header("Content-Disposition"));
        assertEquals("private, no-store", got.header("Cache-Control"));
    }

    @Test
    void base64ContentIsStoredAsTheDecodedBytes() {
        byte[] binary = new byte[4096];
        new java.util.Random(7).nextBytes(binary);
        var created = create(alice, json(Map.of("filename", "blob.json", "format", "json",
                "contentType", "application/octet-stream", "content", Base64.getEncoder().encodeToString(binary),
                "base64", true)));
        assertEquals(201, created.status(), created.body());
        assertArrayEquals(binary, download(created.string("downloadUrl")).body());
    }

    @Test
    void anInventoryOfSeveralPartsStreamsToTheBucketAndDownloadsByteIdenticalThroughA303() throws Exception {
        int rows = 22_000;
        insertAssets(alice, rows);
        var created = create(alice, json(Map.of("filename", "inventory.csv", "format", "csv",
                "contentType", "text/csv", "generator", "asset-inventory")));
        assertEquals(201, created.status(), created.body());
        var view = created.map();
        long size = ((Number) view.get("byteSize")).longValue();
        assertTrue(size > PART_BYTES, "more than a part, was " + size);
        assertEquals("bucket", view.get("storedIn"));
        assertEquals(rows, ((Number) view.get("rowCount")).intValue());

        Raw answer = download((String) view.get("downloadUrl"));
        assertEquals(303, answer.status());
        assertEquals("private, no-store", answer.header("Cache-Control"));
        var fetched = HTTP.send(HttpRequest.newBuilder(URI.create(answer.header("Location"))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fetched.statusCode());
        String etag = fetched.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[0-9a-f]{32}-2\""), "written as an upload of two parts: " + etag);
        byte[] bytes = fetched.body();
        assertEquals(size, bytes.length);
        assertEquals(view.get("checksumSha256"), Checksums.sha256Base64(bytes), "the bytes hashed as they were written");
        assertEquals("text/csv", fetched.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(fetched.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment;"));
        String csv = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("id,filename,contentType,byteSize,width,height,durationMs,state,createdAt,"
                + "attachmentCount\n"), csv.substring(0, 200));
        assertEquals(rows + 1, csv.lines().count(), "a header and one line per asset");
        String first = csv.lines().skip(1).findFirst().orElseThrow();
        assertTrue(first.matches("[0-9a-f-]{36},photo-x{200}\\d+\\.jpg,image/jpeg,\\d+,640,480,,ready,[-0-9T:.]+Z,0"),
                "quoted only where CSV needs it, as COPY writes: " + first);
        // The presigned URL lives no longer than the export, nor than the configured link TTL.
        String expires = URI.create(answer.header("Location")).getQuery();
        assertTrue(expires.contains("X-Amz-Expires=900"), expires);
    }

    @Test
    void theInventoryIsFilteredAndWrittenAsJsonOrOneObjectPerLine() {
        String carol = "carol-" + UUID.randomUUID();
        insertAssets(carol, 3);
        var all = create(carol, json(Map.of("filename", "all.ndjson", "format", "ndjson",
                "contentType", "application/x-ndjson", "generator", "asset-inventory")));
        assertEquals(201, all.status(), all.body());
        assertEquals(3, ((Number) all.map().get("rowCount")).intValue());
        String ndjson = new String(download(all.string("downloadUrl")).body(), StandardCharsets.UTF_8);
        assertEquals(3, ndjson.lines().count(), ndjson);
        Map<?, ?> first = api.decode(ndjson.lines().findFirst().orElseThrow(), Map.class);
        assertEquals(640, ((Number) first.get("width")).intValue());
        assertNull(first.get("durationMs"));
        assertEquals(0, ((Number) first.get("attachmentCount")).intValue());

        var none = create(carol, json(Map.of("filename", "none.json", "format", "json", "contentType",
                "application/json", "generator", "asset-inventory",
                "filters", Map.of("state", "quarantined", "createdFrom", "2020-01-01T00:00:00Z"))));
        assertEquals(201, none.status(), none.body());
        assertEquals(0, ((Number) none.map().get("rowCount")).intValue());
        assertEquals("[]", new String(download(none.string("downloadUrl")).body(), StandardCharsets.UTF_8));
    }

    @Test
    void everyWrongTokenIsTheSameBareNotFound() throws Exception {
        var created = create(alice, json(Map.of("filename", "a.csv", "format", "csv", "contentType", "text/csv",
                "content", "a\n")));
        var other = create(alice, json(Map.of("filename", "b.csv", "format", "csv", "contentType", "text/csv",
                "content", "b\n")));
        String id = created.string("id");
        String token = created.string("downloadUrl").substring(created.string("downloadUrl").indexOf("token=") + 6);
        String otherToken = other.string("downloadUrl").substring(other.string("downloadUrl").indexOf("token=") + 6);
        char c = token.charAt(10);
        String flipped = token.substring(0, 10) + (char) (c ^ 1) + token.substring(11);
        String base = "/v1/exports/" + id + "/download";
        assertEquals(200, download(base + "?token=" + token).status());

        List<String> refused = List.of(base + "?token=" + flipped, base + "?token=" + otherToken, base + "?token=",
                base, base + "?token=" + token + "A", base + "?token=" + token + "%3D",
                base + "?token=" + token.substring(0, 42), base + "?token=%00%FF%20garbage",
                base + "?token=" + token + token, "/v1/exports/not-a-uuid/download?token=" + token,
                "/v1/exports/" + UUID.randomUUID() + "/download?token=" + token,
                "/v1/exports/" + other.string("id") + "/download?token=" + token);
        byte[] first = null;
        for (String path : refused) {
            Raw r = download(path);
            assertEquals(404, r.status(), path);
            first = first == null ? r.body() : first;
            assertArrayEquals(first, r.body(), "the same answer for " + path);
        }
        assertFalse(new String(first, StandardCharsets.UTF_8).contains(id));

        // Expired before the purger ran, with a token that is right for that expiry.
        Instant past = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
        sql("UPDATE exports SET expires_at = '" + past + "' WHERE id = '" + id + "'");
        String rightForExpiry = bean(ExportTokens.class).signer().orElseThrow().sign(UUID.fromString(id), past);
        Raw expired = download(base + "?token=" + rightForExpiry);
        assertEquals(404, expired.status());
        assertArrayEquals(first, expired.body());
        assertEquals(404, api.call(alice, "GET", "/v1/exports/" + id, "").status(), "nor is it shown");
    }

    @Test
    void anotherPrincipalCanNeitherSeeNorDeleteAnExport() {
        var created = create(alice, json(Map.of("filename", "mine.csv", "format", "csv", "contentType", "text/csv",
                "content", "x\n")));
        String id = created.string("id");
        assertEquals(404, api.call(bob, "GET", "/v1/exports/" + id, "").status());
        assertEquals("export_not_found", api.call(bob, "GET", "/v1/exports/" + id, "").string("code"));
        assertEquals(404, api.call(bob, "DELETE", "/v1/exports/" + id, "").status());
        assertEquals(List.of(), api.call(bob, "GET", "/v1/exports", "").map().get("exports"));
        assertEquals(401, api.call(null, "GET", "/v1/exports/" + id, "").status(), "reading needs a caller");

        var mine = api.call(alice, "GET", "/v1/exports", "").map();
        assertTrue(((List<?>) mine.get("exports")).stream().anyMatch(e -> id.equals(((Map<?, ?>) e).get("id"))));
        assertEquals(204, api.call(alice, "DELETE", "/v1/exports/" + id, "").status());
        assertEquals(404, api.call(alice, "GET", "/v1/exports/" + id, "").status());
        assertEquals(404, download(created.string("downloadUrl")).status(), "the link dies with the export");
    }

    @Test
    void badInputIsAProblemWithAStableCodeNeverA500() {
        String labels = "{" + String.join(",", java.util.stream.IntStream.range(0, 21)
                .mapToObj(i -> "\"k" + i + "\":\"v\"").toList()) + "}";
        String ok = "\"filename\":\"a.csv\",\"format\":\"csv\",\"contentType\":\"text/csv\"";
        Map<String, String> codes = new java.util.LinkedHashMap<>();
        codes.put("{not json", "malformed_request");
        codes.put("{" + ok.replace("\"csv\",\"content", "\"xlsx\",\"content") + ",\"content\":\"x\"}",
                "unknown_format");
        codes.put("{\"filename\":\"a.csv\",\"format\":\"xlsx\",\"contentType\":\"text/csv\",\"content\":\"x\"}",
                "unknown_format");
        codes.put("{\"filename\":\"../../etc/passwd\",\"format\":\"csv\",\"contentType\":\"text/csv\",\"content\":\"x\"}",
                "invalid_filename");
        codes.put("{" + ok + ",\"content\":\"x\",\"labels\":" + labels + "}", "invalid_labels");
        codes.put("{" + ok + ",\"content\":\"x\",\"labels\":{\"k\":\"" + "v".repeat(257) + "\"}}", "invalid_labels");
        codes.put("{" + ok + ",\"content\":\"x\",\"ttlSeconds\":-5}", "invalid_field");
        codes.put("{" + ok + ",\"content\":\"x\",\"ttlSeconds\":0}", "invalid_field");
        codes.put("{" + ok + ",\"content\":\"x\",\"ttlSeconds\":1.5}", "malformed_request");
        codes.put("{" + ok + ",\"content\":\"x\",\"ttlSeconds\":1e30}", "malformed_request");
        codes.put("{" + ok + ",\"content\":\"x\",\"ttlSeconds\":99999999999}", "invalid_field");
        codes.put("{" + ok + ",\"content\":\"x\",\"generator\":\"asset-inventory\"}", "invalid_field");
        codes.put("{" + ok + "}", "invalid_field");
        codes.put("{" + ok + ",\"generator\":\"everything\"}", "unknown_generator");
        codes.put("{" + ok + ",\"content\":\"!!\",\"base64\":true}", "invalid_field");
        codes.put("{" + ok.replace("text/csv", "not a type") + ",\"content\":\"x\"}", "invalid_field");
        codes.put("{" + ok + ",\"content\":\"x\",\"workflowId\":\"" + "w".repeat(201) + "\"}", "invalid_field");
        codes.put("{" + ok + ",\"generator\":\"asset-inventory\",\"filters\":{\"createdFrom\":\"yesterday\"}}",
                "malformed_request");
        codes.put("{" + ok + ",\"content\":\"x\",\"async\":true}", "invalid_field");
        codes.forEach((body, code) -> {
            var r = create(alice, body);
            assertTrue(r.status() >= 400 && r.status() < 500, body + " → " + r.status() + " " + r.body());
            assertEquals("application/problem+json", r.contentType(), body);
            assertEquals(code, r.string("code"), body + " → " + r.body());
        });
        assertEquals(400, api.call(alice, "GET", "/v1/exports/not-a-uuid", "").status());
    }

    @Test
    void anAsyncInventoryIsQueuedAnsweredWithALinkToPollAndAFailureShowsItsReason() {
        insertAssets(alice, 3);
        var created = create(alice, json(Map.of("filename", "later.csv", "format", "csv", "contentType", "text/csv",
                "generator", "asset-inventory", "async", true)));

        assertEquals(202, created.status(), created.body());
        UUID id = UUID.fromString(created.string("id"));
        assertEquals("/v1/exports/" + id, created.headers().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Location")).findFirst().orElseThrow().getValue());
        assertEquals("pending", created.string("state"));
        assertNull(created.map().get("downloadUrl"));
        assertEquals(List.of(new ExportJob(id)), bean(RecordingWorkQueue.class).drainExports(),
                "an export job is sent; nothing was written in the call");
        assertEquals(Optional.empty(), bean(Exports.class).content(id));
        // Under the sync threshold (100,000 by default) the same request without async answers at once.
        assertEquals(201, create(alice, json(Map.of("filename", "now.csv", "format", "csv", "contentType",
                "text/csv", "generator", "asset-inventory"))).status());
        assertEquals(List.of(), bean(RecordingWorkQueue.class).drainExports());

        assertTrue(bean(Exports.class).markFailed(id, "too_large"));
        var polled = api.call(alice, "GET", "/v1/exports/" + id, "");
        assertEquals(200, polled.status());
        assertEquals("failed", polled.string("state"));
        assertEquals("too_large", polled.string("failureReason"));
        assertNull(polled.map().get("downloadUrl"));
    }

    @Test
    void thePurgeDeletesExpiredExportsObjectFirstFailsAbandonedOnesAndKeepsTheRest() {
        Exports exports = bean(Exports.class);
        ObjectStore store = bean(ObjectStore.class);
        MultipartStore multipart = bean(MultipartStore.class);
        String dave = "dave-" + UUID.randomUUID();
        var keep = create(dave, json(Map.of("filename", "keep.csv", "format", "csv", "contentType", "text/csv",
                "content", "k\n")));
        var gone = create(dave, json(Map.of("filename", "gone.csv", "format", "csv", "contentType", "text/csv",
                "content", "g\n")));
        // An expired export kept in the bucket (as a large one is).
        UUID bucketed = UUID.randomUUID();
        Instant longAgo = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        exports.insertPending(export(bucketed, dave, longAgo, longAgo.plusSeconds(60)));
        store.put(Export.keyOf(bucketed), "big".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertTrue(exports.markReady(bucketed, Optional.empty(), 3, "x", Optional.empty(), Optional.empty()));
        sql("UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = '" + gone.string("id") + "'");
        // A writer that died after opening its upload and even assembling the object, before marking it ready.
        UUID abandoned = UUID.randomUUID();
        exports.insertPending(export(abandoned, dave, longAgo, Instant.now().plus(1, ChronoUnit.DAYS)));
        String upload = multipart.create(Export.keyOf(abandoned), "text/csv");
        store.put(Export.keyOf(abandoned), "half".getBytes(StandardCharsets.UTF_8), "text/csv");

        var report = bean(PurgeExpiredExports.class).execute();

        assertTrue(report.expiredDeleted() >= 2, report.toString());
        assertTrue(report.abandonedFailed() >= 1, report.toString());
        assertTrue(exports.find(UUID.fromString(gone.string("id"))).isEmpty());
        assertTrue(exports.find(bucketed).isEmpty());
        assertTrue(store.head(Export.keyOf(bucketed)).isEmpty(), "the bucket object went with its export");
        assertEquals(ExportState.FAILED, exports.find(abandoned).orElseThrow().state());
        assertTrue(store.head(Export.keyOf(abandoned)).isEmpty(), "an abandoned export leaves no object");
        assertTrue(multipart.listUploads(Export.keyOf(abandoned), 10).isEmpty(), "nor an open upload " + upload);
        assertEquals(200, download(keep.string("downloadUrl")).status(), "an unexpired export is kept");
        assertNotEquals(0, report.expiredDeleted());
    }

    static Export export(UUID id, String owner, Instant created, Instant expires) {
        return new Export(id, owner, "x.csv", ExportFormat.CSV, "text/csv", ExportState.PENDING, 0, "",
                Optional.empty(), Optional.of(Export.keyOf(id)), Optional.empty(), Optional.empty(), Map.of(),
                created, expires, Optional.empty());
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

    /** {@code n} ready images of {@code owner}, inserted in one statement; file names long enough for MBs. */
    static void insertAssets(String owner, int n) {
        sql("""
                INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key,
                                    storage_key, content_type, kind, width, height, created_at)
                SELECT gen_random_uuid(), '%1$s', 'image', 'ready', 'photo-' || repeat('x', 200) || i || '.jpg',
                       'image/jpeg', 1000 + i, 'staging/%1$s/' || i, 'assets/%1$s/' || i, 'image/jpeg', 'image',
                       640, 480, now() - i * interval '1 second'
                  FROM generate_series(1, %2$d) i""".formatted(owner, n));
    }
}
