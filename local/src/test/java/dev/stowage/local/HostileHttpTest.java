package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.stowage.lambda.streaming.MuxSignature;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile HTTP against every route of the generated OpenAPI document (issue 12, item 5): malformed and deeply
 * nested JSON, wrong types, odd numbers, traversal and control characters in every string field, path and query
 * parameter, oversize bodies and headers, bad tokens, and another principal's ids. No answer is a 5xx, every 4xx
 * is a problem with one of the stable codes, and another principal's ids are a 404 that changes nothing.
 * The cases are generated from the document, so a new route is attacked as soon as it has its row in
 * {@link #ROUTES} (and fails {@link #everyRouteOfTheApiHasItsRowInTheTable} until it has one).
 */
class HostileHttpTest {
    private static final String SECRET = "a-hostile-test-secret-that-is-at-least-32-bytes";
    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "PATCH");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Stands in a body for a raw JSON literal (1e999999999, 2^63) that no Java value serialises to. */
    private static final String MARK = "@@hostile@@";
    private static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    static LocalStack stack;
    static JsonMapper json;
    static HttpClient http;
    static ExecutorService senders;
    static Fixtures owner;
    static Fixtures mallory;
    static Set<String> stableCodes;
    static byte[] webhookSecret;
    static final AtomicInteger sent = new AtomicInteger();
    static final AtomicInteger serverErrors = new AtomicInteger();
    static final Map<String, AtomicInteger> perRoute = new ConcurrentHashMap<>();

    // ---------------------------------------------------------------------------------------------------------
    // The table: every route, how a valid request to it looks, and what another principal gets.

    enum Auth { BEARER, OPERATOR, NONE }

    /** How a route takes its body. */
    sealed interface Body {
        /** No body. */
        record None() implements Body {}

        /** JSON: valid bodies to mutate one field at a time; {@code signed} bodies carry a Mux-Signature. */
        record Json(Function<Fixtures, List<String>> bases, boolean signed) implements Body {}

        /** The bytes themselves, their type the Content-Type header. */
        record Raw(String contentType, byte[] bytes) implements Body {}
    }

    /** What another principal gets for the owner's ids on this route. */
    sealed interface Cross {
        /** The request names the owner's things; the answer is {@code status} (404 but where noted) and changes nothing. */
        record OwnersIds(int status) implements Cross {}

        /** The route names nothing of anyone's (a list, a creation, counts): the answer names nothing of the owner's. */
        record CallersOwn() implements Cross {}

        /** No principal reaches this route; {@code why}. */
        record NoPrincipal(String why) implements Cross {}
    }

    record Route(Auth auth, Function<Fixtures, Map<String, String>> path, Function<Fixtures, Map<String, String>> query,
                 Body body, Cross cross) {}

    /** Each principal's own things, made before the attack: every id a route can name. */
    record Fixtures(String sub, String token, String directSession, String multipartSession, String asset,
                    String streamAsset, String export, String exportToken, String stagedFile, String record) {
        List<String> ids() {
            return List.of(directSession, multipartSession, asset, streamAsset, export, exportToken, stagedFile, record);
        }

        /** The owner's things as the owner reads them, to compare before and after the attack. */
        List<String> readBack() {
            return List.of("/v1/uploads/" + directSession, "/v1/uploads/" + multipartSession, "/v1/assets/" + asset,
                    "/v1/assets/" + streamAsset, "/v1/exports/" + export, "/v1/staged-files/" + stagedFile,
                    "/v1/owners/user/" + record + "/slots/avatar");
        }
    }

    private static Map<String, String> none(Fixtures f) {
        return Map.of();
    }

    private static Route bearer(Function<Fixtures, Map<String, String>> path, Body body, Cross cross) {
        return new Route(Auth.BEARER, path, HostileHttpTest::none, body, cross);
    }

    private static final Body NO_BODY = new Body.None();
    private static final Cross OWNERS_IDS = new Cross.OwnersIds(404);
    private static final Cross CALLERS_OWN = new Cross.CallersOwn();

    private static Body.Json json(Function<Fixtures, String> base) {
        return new Body.Json(f -> List.of(base.apply(f)), false);
    }

    static final Map<String, Route> ROUTES = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /health", new Route(Auth.NONE, HostileHttpTest::none, HostileHttpTest::none, NO_BODY,
                    new Cross.NoPrincipal("liveness"))),
            Map.entry("GET /local/config.json", new Route(Auth.NONE, HostileHttpTest::none, HostileHttpTest::none,
                    NO_BODY, new Cross.NoPrincipal("the launcher's own dev token and profiles"))),
            Map.entry("GET /v1/ops/status", new Route(Auth.OPERATOR, HostileHttpTest::none,
                    f -> Map.of("profile", "image", "olderThan", "PT1H", "limit", "5", "format", "json"), NO_BODY,
                    new Cross.NoPrincipal("operators see every principal's rows by design"))),
            Map.entry("POST /v1/streaming/uploads", bearer(HostileHttpTest::none,
                    json(f -> "{\"profile\":\"stream\",\"filename\":\"clip.mp4\"}"), CALLERS_OWN)),
            Map.entry("DELETE /v1/streaming/uploads/{assetId}", bearer(f -> Map.of("assetId", f.streamAsset()),
                    NO_BODY, OWNERS_IDS)),
            Map.entry("POST /v1/streaming/webhooks/{provider}", new Route(Auth.NONE, f -> Map.of("provider", "mux"),
                    HostileHttpTest::none, new Body.Json(HostileHttpTest::muxEvents, true),
                    new Cross.NoPrincipal("the provider's signature is the authentication"))),
            Map.entry("GET /v1/assets/{id}", bearer(f -> Map.of("id", f.asset()), NO_BODY, OWNERS_IDS)),
            Map.entry("POST /v1/assets/{id}/processing/cancel", bearer(f -> Map.of("id", f.asset()), NO_BODY,
                    OWNERS_IDS)),
            Map.entry("POST /v1/assets/{id}/reprobe", bearer(f -> Map.of("id", f.asset()), NO_BODY, OWNERS_IDS)),
            Map.entry("GET /v1/assets/{id}/url", new Route(Auth.BEARER, f -> Map.of("id", f.asset()),
                    f -> Map.of("variant", "thumb", "disposition", "inline"), NO_BODY, OWNERS_IDS)),
            Map.entry("POST /v1/assets/{id}/variants/requeue", bearer(f -> Map.of("id", f.asset()),
                    json(f -> "{\"variantNames\":[\"thumb\"]}"), OWNERS_IDS)),
            Map.entry("GET /v1/events", new Route(Auth.BEARER, HostileHttpTest::none,
                    f -> Map.of("after", "0", "limit", "10"), NO_BODY, CALLERS_OWN)),
            Map.entry("GET /v1/owners/{ownerType}/{ownerId}/slots/{slot}", bearer(HostileHttpTest::slot, NO_BODY,
                    OWNERS_IDS)),
            // The slot path is the caller's own record: another principal attaching the owner's asset there is
            // refused (404 asset_not_found), and detaching from its own, empty, slot is the idempotent 204.
            Map.entry("PUT /v1/owners/{ownerType}/{ownerId}/slots/{slot}", bearer(HostileHttpTest::slot,
                    json(f -> "{\"assetId\":\"" + f.asset() + "\"}"), OWNERS_IDS)),
            Map.entry("DELETE /v1/owners/{ownerType}/{ownerId}/slots/{slot}", bearer(HostileHttpTest::slot, NO_BODY,
                    new Cross.OwnersIds(204))),
            Map.entry("GET /v1/exports", bearer(HostileHttpTest::none, NO_BODY, CALLERS_OWN)),
            Map.entry("POST /v1/exports", bearer(HostileHttpTest::none, new Body.Json(f -> List.of(
                    "{\"filename\":\"a.csv\",\"format\":\"csv\",\"contentType\":\"text/csv\",\"content\":\"a,b\\n1,2\\n\","
                            + "\"base64\":false,\"ttlSeconds\":600,\"workflowId\":\"w\",\"requestId\":\"r\","
                            + "\"labels\":{\"team\":\"a\"}}",
                    "{\"filename\":\"a.csv\",\"format\":\"csv\",\"contentType\":\"text/csv\","
                            + "\"generator\":\"asset-inventory\",\"async\":false,\"filters\":{\"profile\":\"image\","
                            + "\"state\":\"ready\",\"createdFrom\":\"2020-01-01T00:00:00Z\","
                            + "\"createdTo\":\"2030-01-01T00:00:00Z\"}}"), false), CALLERS_OWN)),
            Map.entry("GET /v1/exports/{id}", bearer(f -> Map.of("id", f.export()), NO_BODY, OWNERS_IDS)),
            Map.entry("DELETE /v1/exports/{id}", bearer(f -> Map.of("id", f.export()), NO_BODY, OWNERS_IDS)),
            Map.entry("GET /v1/exports/{id}/download", new Route(Auth.NONE, f -> Map.of("id", f.export()),
                    f -> Map.of("token", f.exportToken()), NO_BODY,
                    new Cross.NoPrincipal("the token is the key; another export's token is its own case"))),
            Map.entry("GET /v1/staged-files", new Route(Auth.BEARER, HostileHttpTest::none,
                    f -> Map.of("limit", "10"), NO_BODY, CALLERS_OWN)),
            Map.entry("POST /v1/staged-files", bearer(HostileHttpTest::none, json(f -> "{\"checksumSha256\":\""
                    + sha256Base64("staged " + f.sub() + " again") + "\",\"name\":\"a.txt\",\"size\":42,"
                    + "\"contentType\":\"text/plain\",\"ttlSeconds\":3600,\"persist\":false}"), CALLERS_OWN)),
            Map.entry("POST /v1/staged-files/cleanup", bearer(HostileHttpTest::none, NO_BODY, CALLERS_OWN)),
            Map.entry("GET /v1/staged-files/metrics", bearer(HostileHttpTest::none, NO_BODY, CALLERS_OWN)),
            Map.entry("POST /v1/staged-files/reset", bearer(HostileHttpTest::none, NO_BODY, CALLERS_OWN)),
            Map.entry("GET /v1/staged-files/{id}", bearer(f -> Map.of("id", f.stagedFile()), NO_BODY, OWNERS_IDS)),
            Map.entry("DELETE /v1/staged-files/{id}", bearer(f -> Map.of("id", f.stagedFile()), NO_BODY, OWNERS_IDS)),
            Map.entry("POST /v1/uploads", bearer(HostileHttpTest::none, json(f -> "{\"profile\":\"image\","
                    + "\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1000,\"checksumSha256\":\""
                    + sha256Base64("x") + "\",\"strategy\":\"direct\"}"), CALLERS_OWN)),
            Map.entry("POST /v1/uploads/proxied", new Route(Auth.BEARER, HostileHttpTest::none,
                    f -> Map.of("profile", "document", "filename", "doc.pdf"),
                    new Body.Raw("application/pdf", TestMedia.bytes("doc.pdf")), CALLERS_OWN)),
            Map.entry("GET /v1/uploads/{id}", bearer(f -> Map.of("id", f.directSession()), NO_BODY, OWNERS_IDS)),
            Map.entry("DELETE /v1/uploads/{id}", bearer(f -> Map.of("id", f.directSession()), NO_BODY, OWNERS_IDS)),
            Map.entry("POST /v1/uploads/{id}/complete", bearer(f -> Map.of("id", f.multipartSession()),
                    json(f -> "{\"parts\":[{\"partNumber\":1,\"etag\":\"\\\"0123456789abcdef\\\"\"}]}"), OWNERS_IDS)),
            Map.entry("POST /v1/uploads/{id}/parts/{n}/url", bearer(f -> Map.of("id", f.multipartSession(), "n", "1"),
                    NO_BODY, OWNERS_IDS)),
            Map.entry("POST /v1/uploads/{id}/parts/urls", bearer(f -> Map.of("id", f.multipartSession()),
                    json(f -> "{\"partNumbers\":[1]}"), OWNERS_IDS)),
            Map.entry("POST /v1/uploads/{id}/url", bearer(f -> Map.of("id", f.directSession()), NO_BODY,
                    OWNERS_IDS))));

    /** The Mux events Stowage reads, each with only the fields it reads (the sample's others are never looked at). */
    private static List<String> muxEvents(Fixtures f) {
        return List.of("""
                {"type":"video.asset.ready","data":{"id":"asset-1","upload_id":"upload-1","passthrough":"%s",\
                "playback_ids":[{"id":"playback-1","policy":"public"}],"duration":23.857}}""".formatted(f.streamAsset()),
                """
                {"type":"video.upload.asset_created","data":{"id":"upload-1","asset_id":"asset-1",\
                "new_asset_settings":{"passthrough":"%s"}}}""".formatted(f.streamAsset()),
                """
                {"type":"video.asset.errored","data":{"id":"asset-1","upload_id":"upload-1",\
                "errors":{"type":"invalid_input","messages":["bad"]}}}""",
                """
                {"type":"video.upload.errored","data":{"id":"upload-1","error":{"type":"x","message":"bad"}}}""");
    }

    private static Map<String, String> slot(Fixtures f) {
        return Map.of("ownerType", "user", "ownerId", f.record(), "slot", "avatar");
    }

    // ---------------------------------------------------------------------------------------------------------
    // The hostile values.

    /** Strings for every string field of a body: traversal, NUL, CR LF, U+202E, C0 and C1, empty, lone surrogate, long. */
    static final List<String> STRINGS = List.of(
            "../../../../etc/passwd", "..\\..\\win.ini", "a\u0000b", "line\r\nX-Injected: 1", "\u202Egpj.exe",
            "\u0007\u001b[31m\u007f\u0085", "", " ", "\uD800", "\uD83D\uDE00",
            "<script>'; DROP TABLE assets;--${jndi:ldap://x}%s%n", "x".repeat(200_000));
    /** Raw JSON literals for every body field: wrong types, and numbers fractional, negative and huge. */
    static final List<String> LITERALS = List.of(
            "null", "true", "\"1\"", "[1]", "{}", "-1", "1.5", "1e16", "1e999999999", "1e-999999999",
            "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890.5");
    /** For a field whose valid value is a string: every hostile string, and a value of each other type. */
    static final List<String> FOR_STRINGS = forStrings();
    /** For a field whose valid value is a number: every number, and a value of each other type. */
    static final List<String> FOR_NUMBERS = LITERALS;
    /** For a boolean, an object or an array: a value of each other type. */
    static final List<String> FOR_OTHERS = List.of("null", "\"true\"", "1.5", "[null]", "{\"a\":null}");

    private static List<String> forStrings() {
        List<String> values = new ArrayList<>(List.of("null", "true", "1e999999999", "[]", "{}"));
        STRINGS.forEach(text -> values.add(quote(text)));
        return values;
    }

    /**
     * Values, percent-encoded, for every path and query parameter (and, decoded, header): traversal plain and
     * encoded, NUL, CR LF, U+202E, bytes that are not UTF-8 (an overlong dot, a lone surrogate), numbers
     * negative, fractional and huge, the nil UUID, and an overlong value.
     */
    static final List<String> PARAMETERS = List.of(
            "..", "%2e%2e%2f%2e%2e%2f", "..%2f..%2fetc%2fpasswd", "%252e%252e%252f", "%5C..%5C", "%00", "a%00b",
            "%0d%0aX-Injected:%201", "%E2%80%AEgpj.exe", "%FF%FE", "%C0%AE", "%ED%A0%80", "%F0%9F%98%80", "%20", "",
            "-1", "1.5", "1e999999999", "9223372036854775808", "00000000-0000-0000-0000-000000000000",
            "%3Cscript%3E%27%3B%20DROP%20TABLE%20assets%3B--", "x".repeat(2_000));
    /** For a parameter that must be a UUID: traversal, NUL, CR LF, U+202E, not UTF-8, huge, the nil UUID, overlong. */
    static final List<String> UUID_PARAMETERS = List.of("..", "..%2f..%2fetc%2fpasswd", "a%00b",
            "%0d%0aX-Injected:%201", "%E2%80%AEgpj.exe", "%FF%FE", "9223372036854775808",
            "00000000-0000-0000-0000-000000000000", "x".repeat(2_000));
    /** Whole bodies for every JSON route, whatever its fields. */
    static final List<String> BODIES = List.of(
            "", " ", "{", "}", "{\"a\":", "[", "]", "nul", "null", "[]", "\"text\"", "123", "true", "{}",
            "{} {}", "{}x", "{\"a\":1,}", "{'a':1}", "{a:1}", "\u0000", "{\"a\":\"\u0000\"}", "{\"\u0000\":1}",
            "[".repeat(100_000), "{\"a\":".repeat(100_000), "[".repeat(5_000) + "]".repeat(5_000),
            "{\"a\":[" + "1,".repeat(200_000) + "1]}", "{\"a\":\"" + "\\u0000".repeat(10_000) + "\"}");

    // ---------------------------------------------------------------------------------------------------------
    // The stack and each principal's things.

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        TestStack.Isolated servers = TestStack.get().isolated();
        stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), SECRET), servers.postgres(), servers.s3());
        json = stack.context().getBean(JsonMapper.class);
        http = client();
        senders = Executors.newFixedThreadPool(6);
        webhookSecret = stack.context().getRequiredProperty("stowage.streaming.mux.webhook-secret", String.class)
                .getBytes(StandardCharsets.UTF_8);
        stableCodes = stableCodes();
        Future<Fixtures> a = senders.submit(() -> fixtures("hostile-owner"));
        Future<Fixtures> b = senders.submit(() -> fixtures("hostile-mallory"));
        owner = a.get();
        mallory = b.get();
        System.out.printf(Locale.ROOT, "HostileHttpTest: stack and fixtures in %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    @AfterAll
    static void stop() {
        System.out.printf(Locale.ROOT, "hostile requests tried: %d over %d routes, %d x 5xx%n", sent.get(),
                ROUTES.size(), serverErrors.get());
        perRoute.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5d  %s%n", e.getValue().get(), e.getKey()));
        if (senders != null) {
            senders.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @SuppressWarnings("unchecked")
    static Set<String> stableCodes() {
        var schemas = (Map<String, Object>) ApiRoutesTest.document().get("components");
        var problem = (Map<String, Object>) ((Map<String, Object>) schemas.get("schemas")).get("Problem");
        var code = (Map<String, Object>) ((Map<String, Object>) problem.get("properties")).get("code");
        return new TreeSet<>((List<String>) code.get("enum"));
    }

    static Fixtures fixtures(String sub) throws Exception {
        String token = DevTokens.mint(SECRET, sub, Duration.ofMinutes(10), List.of("stowage/operator"));
        String direct = id(created(token, "POST", "/v1/uploads", "{\"profile\":\"image\",\"filename\":\"a.jpg\","
                + "\"contentType\":\"image/jpeg\",\"byteSize\":1000}"), "id");
        String multipart = id(created(token, "POST", "/v1/uploads", "{\"profile\":\"image\",\"filename\":\"b.jpg\","
                + "\"contentType\":\"image/jpeg\",\"byteSize\":9437184,\"strategy\":\"multipart\"}"), "id");
        // A document: no variants, so nothing about it changes in the background while it is compared.
        var proxied = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/uploads/proxied?profile=document"
                        + "&filename=doc.pdf")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/pdf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestMedia.bytes("doc.pdf"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, proxied.statusCode(), proxied.body());
        String asset = id(proxied.body(), "id");
        String record = sub + "-record";
        created(token, "PUT", "/v1/owners/user/" + record + "/slots/avatar", "{\"assetId\":\"" + asset + "\"}");
        String stream = id(created(token, "POST", "/v1/streaming/uploads",
                "{\"profile\":\"stream\",\"filename\":\"clip.mp4\"}"), "assetId");
        String exported = created(token, "POST", "/v1/exports", "{\"filename\":\"a.csv\",\"format\":\"csv\","
                + "\"contentType\":\"text/csv\",\"content\":\"a,b\\n1,2\\n\"}");
        String downloadUrl = id(exported, "downloadUrl");
        String staged = created(token, "POST", "/v1/staged-files", "{\"checksumSha256\":\""
                + sha256Base64("staged " + sub) + "\",\"name\":\"a.txt\",\"size\":42,\"ttlSeconds\":3600}");
        @SuppressWarnings("unchecked")
        String stagedId = (String) ((Map<String, Object>) json.readValue(staged, Map.class).get("stagedFile")).get("id");
        return new Fixtures(sub, token, direct, multipart, asset, stream, id(exported, "id"),
                downloadUrl.substring(downloadUrl.indexOf("token=") + 6), stagedId, record);
    }

    private static String created(String token, String method, String path, String body) throws Exception {
        var response = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, method + " " + path + ": " + response.body());
        return response.body();
    }

    private static String id(String body, String field) throws IOException {
        return String.valueOf(json.readValue(body, Map.class).get(field));
    }

    static String sha256Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests.

    @Test
    void everyRouteOfTheApiHasItsRowInTheTable() {
        assertEquals(ApiRoutesTest.specRoutes(), ROUTES.keySet(),
                "a route of /openapi.yml (left) has no row in HostileHttpTest.ROUTES (right), or the reverse");
    }

    @Test
    void noHostileRequestOnAnyRouteIsAServerErrorAndEveryRefusalIsAProblemWithAStableCode() throws Exception {
        List<Probe> probes = new ArrayList<>();
        // Every bad token on the first route of each function (its tag), the telling ones on every route: the
        // authorizer is one resolver, what each route must show is that it asks it.
        Map<String, String> fullTokenMatrix = new LinkedHashMap<>();
        forEachOperation((route, method, template, operation) -> {
            List<Probe> cases = new ArrayList<>();
            String name = method + " " + template;
            Route row = ROUTES.get(name);
            if (row == null) {
                return; // everyRouteOfTheApiHasItsRowInTheTable names it
            }
            String tag = String.valueOf(((List<?>) operation.getOrDefault("tags", List.of("-"))).getFirst());
            cases.addAll(tokenCases(name, row, method, template, fullTokenMatrix.putIfAbsent(tag, name) == null));
            cases.addAll(parameterCases(name, row, method, template, operation));
            cases.addAll(bodyCases(name, row, method, template));
            cases.addAll(headerCases(name, row, method, template));
            probes.addAll(cases);
            assertTrue(cases.size() >= 5, name + " has only " + cases.size() + " hostile cases");
        });
        pathsOnlyCases(probes);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        List<String> failures = run(probes);
        // CPU as well as wall time: on a machine other builds share, the wall time says more about them.
        System.out.printf(Locale.ROOT, "HostileHttpTest: %d requests in %d ms (%d ms of CPU, client and server)%n",
                probes.size(), (System.nanoTime() - wall) / 1_000_000, (os.getProcessCpuTime() - cpu) / 1_000_000);
        assertTrue(failures.isEmpty(), failures.size() + " of " + probes.size() + " hostile requests were answered"
                + " wrongly:\n" + String.join("\n", failures.subList(0, Math.min(60, failures.size()))));
    }

    /** Each answer this suite found wrong, as the request that showed it and the answer it now gets. */
    @Test
    void everyWrongAnswerThisSuiteFoundStaysFixed() throws Exception {
        String inventory = "{\"filename\":\"a.csv\",\"format\":\"csv\",\"contentType\":\"text/csv\","
                + "\"generator\":\"asset-inventory\",\"filters\":";
        String ready = "{\"type\":\"video.asset.ready\",\"data\":{\"playback_ids\":[{\"id\":\"p\"}],";
        Map<String, String> regressions = new LinkedHashMap<>();
        // Each was a 500: PostgreSQL text refuses U+0000, jsonb a lone surrogate; Timestamp.from overflowed on 1e16 s.
        regressions.put("POST /v1/exports " + inventory + "{\"profile\":\"a\\u0000b\"}}", "422 invalid_field");
        regressions.put("POST /v1/exports " + inventory + "{\"state\":\"\\u0000\"}}", "422 invalid_field");
        regressions.put("POST /v1/exports " + inventory + "{\"createdFrom\":1e16}}", "422 invalid_field");
        regressions.put("POST /v1/exports " + inventory + "{\"createdTo\":-1e16}}", "422 invalid_field");
        regressions.put("POST /v1/exports {\"filename\":\"a.csv\",\"format\":\"csv\",\"contentType\":\"text/csv\","
                + "\"content\":\"a\",\"labels\":{\"team\":\"\\ud800\"}}", "422 invalid_labels");
        regressions.put("POST /v1/streaming/webhooks/mux " + ready + "\"id\":\"a\\u0000b\"}}", "400 malformed_request");
        regressions.put("POST /v1/streaming/webhooks/mux " + ready + "\"id\":\"x\",\"upload_id\":\"\\u0000\"}}",
                "200 -");
        // A NullPointerException (500): the JSON text null is no parts, as no body is (409: a multipart
        // session without its parts' ETags cannot be completed).
        regressions.put("POST /v1/uploads/" + mallory.multipartSession() + "/complete null", "4xx -");
        // Taken (201), and shown as "exe.jpg" wherever the name is displayed.
        regressions.put("POST /v1/uploads {\"profile\":\"image\",\"filename\":\"\u202Egpj.exe\","
                + "\"contentType\":\"image/jpeg\",\"byteSize\":1}", "422 invalid_filename");
        regressions.put("POST /v1/staged-files {\"checksumSha256\":\"" + sha256Base64("rlo") + "\",\"name\":"
                + "\"\\ud800.txt\",\"size\":1,\"ttlSeconds\":60}", "422 invalid_filename");
        List<String> failures = new ArrayList<>();
        for (var regression : regressions.entrySet()) {
            String[] request = regression.getKey().split(" ", 3);
            String[] expected = regression.getValue().split(" ");
            byte[] body = request[2].getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/json",
                    "Authorization", "Bearer " + mallory.token()));
            if (request[1].contains("/webhooks/")) {
                headers.put(MuxSignature.HEADER, MuxSignature.sign(webhookSecret, Instant.now().getEpochSecond(), body));
            }
            var builder = HttpRequest.newBuilder(stack.apiUrl().resolve(request[1])).timeout(TIMEOUT)
                    .method(request[0], HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(builder::header);
            sent.incrementAndGet();
            perRoute.computeIfAbsent("(regressions)", r -> new AtomicInteger()).incrementAndGet();
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            String status = String.valueOf(response.statusCode());
            boolean statusOk = expected[0].endsWith("xx") ? status.charAt(0) == expected[0].charAt(0)
                    : status.equals(expected[0]);
            boolean codeOk = expected[1].equals("-") || response.body().contains("\"code\":\"" + expected[1] + "\"");
            if (!statusOk || !codeOk) {
                failures.add(abbreviate(regression.getKey()) + ": expected " + regression.getValue() + ", got " + status
                        + " " + abbreviate(response.body()));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void wireLevelAbuseIsRefusedWithoutAServerError() throws Exception {
        String target = "/v1/assets/" + mallory.asset();
        String auth = "Authorization: Bearer " + mallory.token() + "\r\n";
        List<RawCase> cases = List.of(
                new RawCase("NUL in a header value", "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + "X-Evil: a\u0000b\r\n\r\n"),
                new RawCase("a 64 KiB header", "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + "X-Pad: "
                        + "x".repeat(64 * 1024) + "\r\n\r\n"),
                new RawCase("2,000 headers", "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + IntStream.range(0, 2_000).mapToObj(i -> "X-H" + i + ": v\r\n").collect(Collectors.joining())
                        + "\r\n"),
                new RawCase("a 64 KiB request line", "GET /v1/assets/" + "x".repeat(64 * 1024)
                        + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"),
                new RawCase("an obs-folded Authorization", "GET " + target + " HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer\r\n " + mallory.token() + "\r\n\r\n"),
                new RawCase("a negative Content-Length", "POST /v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}"),
                new RawCase("a Content-Length of 2^64", "POST /v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/json\r\nContent-Length: 18446744073709551616\r\n\r\n{}"),
                new RawCase("two Content-Lengths", "POST /v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
                new RawCase("Content-Length and chunked", "POST /v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\n{}\r\n0\r\n\r\n"),
                new RawCase("a bad chunk size", "POST /v1/uploads HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
                new RawCase("an absolute-form target on another host", "GET http://evil.example" + target
                        + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"),
                new RawCase("a target that is not a path", "GET * HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"),
                new RawCase("a bad percent escape", "GET /v1/assets/%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"),
                new RawCase("a raw non-ASCII target", "GET /v1/assets/\u00e9\u202e HTTP/1.1\r\nHost: x\r\n" + auth
                        + "\r\n"),
                new RawCase("an unknown method", "BREW " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"),
                new RawCase("HTTP/0.9", "GET " + target + "\r\n\r\n"),
                new RawCase("HTTP/1.0 without Host", "GET " + target + " HTTP/1.0\r\n" + auth + "\r\n"));
        List<String> failures = new ArrayList<>();
        List<Future<String>> answers = new ArrayList<>();
        for (RawCase c : cases) {
            answers.add(senders.submit(() -> raw(c)));
        }
        for (Future<String> answer : answers) {
            String failure = answer.get();
            if (failure != null) {
                failures.add(failure);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anotherPrincipalsIdsAreNotFoundOnEveryRouteAndChangeNothingOfTheOwners() throws Exception {
        Map<String, String> before = readBack(owner);
        List<Probe> probes = new ArrayList<>();
        forEachOperation((route, method, template, operation) -> {
            String name = method + " " + template;
            Route row = ROUTES.get(name);
            if (row == null) {
                return;
            }
            switch (row.cross()) {
                case Cross.OwnersIds(int status) -> probes.add(probe(name, "the owner's ids", method,
                        target(template, row.path().apply(owner), row.query().apply(owner)),
                        headers(row, mallory), body(row, owner), expect(status)));
                case Cross.CallersOwn() -> probes.add(probe(name, "the caller's own", method,
                        target(template, row.path().apply(mallory), row.query().apply(mallory)),
                        headers(row, mallory), body(row, mallory), status -> status < 500));
                case Cross.NoPrincipal(String why) -> { }
            }
        });
        // The download's token is the key: the intruder's real token (for its own export) opens nothing else.
        String download = "GET /v1/exports/{id}/download";
        probes.add(probe(download, "another export's token", "GET", "/v1/exports/" + owner.export() + "/download?token="
                + mallory.exportToken(), Map.of(), null, expect(404)));
        probes.add(probe(download, "no token", "GET", "/v1/exports/" + owner.export() + "/download", Map.of(), null,
                expect(404)));
        List<String> failures = new ArrayList<>(run(probes, owner.ids()));
        Map<String, String> after = readBack(owner);
        for (String path : before.keySet()) {
            if (!before.get(path).equals(after.get(path))) {
                failures.add("the owner's " + path + " changed:\n  before " + before.get(path) + "\n  after  "
                        + after.get(path));
            }
        }
        long named = ROUTES.values().stream().filter(r -> !(r.cross() instanceof Cross.NoPrincipal)).count();
        assertEquals(named + 2, probes.size(), "a cross-principal case for each route a principal reaches");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The owner's things as the owner reads them: each must be there (200). */
    private static Map<String, String> readBack(Fixtures f) throws Exception {
        Map<String, String> answers = new TreeMap<>();
        for (String path : f.readBack()) {
            var response = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path))
                    .header("Authorization", "Bearer " + f.token()).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            answers.put(path, response.body());
        }
        return answers;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Case generation.

    interface OperationVisitor {
        void visit(String route, String method, String template, Map<String, Object> operation);
    }

    @SuppressWarnings("unchecked")
    private static void forEachOperation(OperationVisitor visitor) {
        ApiRoutesTest.paths().forEach((template, item) -> item.forEach((method, operation) -> {
            String upper = method.toUpperCase(Locale.ROOT);
            if (METHODS.contains(upper)) {
                visitor.visit(upper + " " + template, upper, template, (Map<String, Object>) operation);
            }
        }));
    }

    /** Every token the HTTP API's JWT authorizer refuses, on every route that needs one. */
    private static List<Probe> tokenCases(String name, Route row, String method, String template, boolean all) {
        List<Probe> cases = new ArrayList<>();
        String target = target(template, row.path().apply(mallory), row.query().apply(mallory));
        byte[] body = body(row, mallory);
        Map<String, String> tokens = new LinkedHashMap<>(badTokens());
        if (!all) {
            tokens.keySet().retainAll(EVERY_ROUTE_TOKENS);
        }
        if (row.auth() == Auth.NONE) {
            // No JWT is asked for; one that is forged or unsigned changes nothing either.
            for (var token : tokens.entrySet()) {
                cases.add(probe(name, "token " + token.getKey(), method, target,
                        withAuthorization(headers(row, mallory), token.getValue()), body, status -> status < 500));
            }
            return cases;
        }
        for (var token : tokens.entrySet()) {
            cases.add(probe(name, "token " + token.getKey(), method, target,
                    withAuthorization(headers(row, mallory), token.getValue()), body, expect(401)));
        }
        Map<String, String> noToken = new LinkedHashMap<>(headers(row, mallory));
        noToken.remove("Authorization");
        cases.add(probe(name, "no token", method, target, noToken, body, expect(401)));
        for (var sub : Map.of("a NUL subject", "a\u0000b", "a blank subject", "  ").entrySet()) {
            cases.add(probe(name, "token with " + sub.getKey(), method, target, withAuthorization(headers(row, mallory),
                    "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub.getValue()).build())), body, expect(401)));
        }
        if (row.auth() == Auth.OPERATOR) {
            cases.add(probe(name, "a token without the operator scope", method, target,
                    withAuthorization(headers(row, mallory), "Bearer " + DevTokens.mint(SECRET, mallory.sub(),
                            Duration.ofMinutes(5))), body, expect(403)));
        }
        return cases;
    }

    /** The bad tokens every route is sent; the rest of {@link #badTokens()} goes to one route of each function. */
    static final Set<String> EVERY_ROUTE_TOKENS = Set.of("signed with another key", "expired", "alg none, unsigned",
            "from another issuer", "for another audience", "garbage");

    private static Map<String, String> badTokensCache;

    /** Authorization headers no route may accept, by what is wrong with them. */
    static synchronized Map<String, String> badTokens() {
        if (badTokensCache != null) {
            return badTokensCache;
        }
        String sub = "hostile-mallory";
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("signed with another key", "Bearer " + DevTokens.mint("another-secret-that-is-at-least-32-bytes-long",
                sub, Duration.ofMinutes(5)));
        tokens.put("expired", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub)
                .expirationTime(Date.from(Instant.now().minusSeconds(60))).build()));
        tokens.put("without exp", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub).expirationTime(null).build()));
        tokens.put("not yet valid", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub)
                .notBeforeTime(Date.from(Instant.now().plusSeconds(3600))).build()));
        tokens.put("issued in the future", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub)
                .issueTime(Date.from(Instant.now().plusSeconds(3600))).build()));
        tokens.put("from another issuer", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub).issuer("evil").build()));
        tokens.put("for another audience", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(sub).audience("evil")
                .build()));
        tokens.put("without a subject", "Bearer " + token(SECRET, JWSAlgorithm.HS256, claims(null).build()));
        tokens.put("signed HS512 with the key", "Bearer " + token(SECRET + SECRET, JWSAlgorithm.HS512, claims(sub)
                .build()));
        String valid = DevTokens.mint(SECRET, sub, Duration.ofMinutes(5));
        String[] parts = valid.split("\\.");
        String noneHeader = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        tokens.put("alg none, unsigned", "Bearer " + noneHeader + "." + parts[1] + ".");
        tokens.put("alg none, with the real signature", "Bearer " + noneHeader + "." + parts[1] + "." + parts[2]);
        tokens.put("claims changed after signing", "Bearer " + parts[0] + "." + b64(new String(Base64.getUrlDecoder()
                .decode(parts[1]), StandardCharsets.UTF_8).replace(sub, "hostile-owner")) + "." + parts[2]);
        tokens.put("signature stripped", "Bearer " + parts[0] + "." + parts[1] + ".");
        tokens.put("garbage", "Bearer a.b.c");
        tokens.put("header not JSON", "Bearer " + b64("[[[") + "." + parts[1] + "." + parts[2]);
        tokens.put("deeply nested claims", "Bearer " + parts[0] + "." + b64("[".repeat(3_000)) + "." + parts[2]);
        tokens.put("overlong", "Bearer " + "A".repeat(6_000));
        tokens.put("empty bearer", "Bearer ");
        tokens.put("basic credentials", "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8)));
        tokens.put("token without scheme", valid);
        badTokensCache = tokens;
        return tokens;
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(sub).issuer(DevTokens.ISSUER).audience(DevTokens.AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static String token(String secret, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every hostile value in every path and query parameter the document declares, the others valid. */
    @SuppressWarnings("unchecked")
    private static List<Probe> parameterCases(String name, Route row, String method, String template,
                                              Map<String, Object> operation) {
        List<Probe> cases = new ArrayList<>();
        Map<String, String> path = encoded(row.path().apply(mallory));
        Map<String, String> query = encoded(row.query().apply(mallory));
        var parameters = (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of());
        for (Map<String, Object> parameter : parameters) {
            String in = (String) parameter.get("in");
            String param = (String) parameter.get("name");
            boolean uuid = "uuid".equals(((Map<String, Object>) parameter.getOrDefault("schema", Map.of())).get("format"));
            // A path id that must be a UUID is refused by one conversion whatever it holds: one value of each kind.
            for (String value : uuid ? UUID_PARAMETERS : PARAMETERS) {
                switch (in) {
                    case "path" -> {
                        Map<String, String> hostile = new LinkedHashMap<>(path);
                        hostile.put(param, value);
                        // A value that is not a UUID cannot name anything: 4xx. Traversal may leave the route
                        // altogether, which is a 4xx too; an empty segment is another route (the list). The only
                        // other 2xx a hostile segment can earn is a slot name or record id it is allowed to be.
                        IntPredicate expected = uuid && !value.isEmpty() ? status -> status >= 400 && status < 500
                                : status -> status < 500;
                        cases.add(probe(name, "path " + param + "=" + abbreviate(value), method,
                                encodedTarget(template, hostile, query), headers(row, mallory), body(row, mallory),
                                expected));
                    }
                    case "query" -> {
                        Map<String, String> hostile = new LinkedHashMap<>(query);
                        hostile.put(param, value);
                        boolean refused = NAME_FIELDS.contains(param) && refusedAsName(quote(java.net.URLDecoder
                                .decode(value, StandardCharsets.UTF_8)));
                        cases.add(probe(name, "query " + param + "=" + abbreviate(value), method,
                                encodedTarget(template, path, hostile), headers(row, mallory), body(row, mallory),
                                refused ? status -> status >= 400 && status < 500 : status -> status < 500));
                    }
                    case "header" -> {
                        // Decoded, as a header carries them; the HTTP client sends only printable ASCII
                        // (wireLevelAbuseIsRefusedWithoutAServerError writes the rest).
                        String decoded = java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
                        if (decoded.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                            Map<String, String> headers = new LinkedHashMap<>(headers(row, mallory));
                            headers.put(param, decoded);
                            cases.add(probe(name, "header " + param + "=" + abbreviate(decoded), method,
                                    encodedTarget(template, path, query), headers, body(row, mallory),
                                    status -> status < 500));
                        }
                    }
                    default -> throw new AssertionError(name + ": a parameter in " + in);
                }
            }
            if ("query".equals(in)) {
                Map<String, String> repeated = new LinkedHashMap<>(query);
                String first = encodedTarget(template, path, repeated);
                String twice = first + (first.contains("?") ? "&" : "?") + param + "=" + encode("../x") + "&" + param
                        + "=";
                cases.add(probe(name, "query " + param + " twice", method, twice, headers(row, mallory),
                        body(row, mallory), status -> status < 500));
            }
        }
        return cases;
    }

    /** Methods the document does not declare for a path, and URLs no route has. */
    @SuppressWarnings("unchecked")
    private static void pathsOnlyCases(List<Probe> probes) {
        ApiRoutesTest.paths().forEach((template, item) -> {
            Set<String> declared = item.keySet().stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
            String name = declared.stream().filter(METHODS::contains).sorted().findFirst().orElse("GET") + " " + template;
            Route row = ROUTES.get(name);
            if (row == null) {
                return;
            }
            for (String method : METHODS) {
                if (!declared.contains(method)) {
                    probes.add(probe(name, "method " + method, method, target(template, row.path().apply(mallory),
                            row.query().apply(mallory)), headers(row, mallory), "{}".getBytes(StandardCharsets.UTF_8),
                            status -> status >= 400 && status < 500));
                }
            }
        });
        Map<String, String> auth = Map.of("Authorization", "Bearer " + mallory.token());
        for (String target : List.of("/v1", "/v1/", "/v1/nothing", "/v1/assets", "/v1/assets/", "/v1/uploads/"
                + mallory.directSession() + "/extra", "/v1//assets//" + mallory.asset(), "/../../etc/passwd",
                "/%2e%2e/%2e%2e/etc/passwd", "/v1/assets/" + mallory.asset() + "/..%2f..%2f..%2fexports",
                "/static/..%252f..%252fpom.xml", "/docs/..%2f..%2fapplication.yml", "/openapi.yml/..%2f..%2f",
                "/v1/assets/" + mallory.asset() + "%00.json", "/" + "a/".repeat(1_000))) {
            probes.add(probe("(no route)", "GET " + abbreviate(target), "GET", target, auth, null, status -> status < 500));
        }
    }

    /** Oversize headers and a hostile Content-Type on every route. */
    private static List<Probe> headerCases(String name, Route row, String method, String template) {
        List<Probe> cases = new ArrayList<>();
        String target = target(template, row.path().apply(mallory), row.query().apply(mallory));
        Map<String, String> big = new LinkedHashMap<>(headers(row, mallory));
        big.put("X-Pad", "x".repeat(32 * 1024));
        cases.add(probe(name, "a 32 KiB header", method, target, big, body(row, mallory), status -> status < 500));
        List<String> types = row.body() instanceof Body.None ? List.of("text/plain") : List.of("text/plain",
                "application/xml", "application/json; charset=utf-16", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", "*/*", "x", "");
        for (String type : types) {
            Map<String, String> headers = new LinkedHashMap<>(headers(row, mallory));
            headers.put("Content-Type", type);
            cases.add(probe(name, "Content-Type " + type, method, target, headers, body(row, mallory),
                    status -> status < 500));
        }
        Map<String, String> accept = new LinkedHashMap<>(headers(row, mallory));
        accept.put("Accept", "application/xml");
        cases.add(probe(name, "Accept application/xml", method, target, accept, body(row, mallory),
                status -> status < 500));
        return cases;
    }

    /** Whole-body and per-field cases for a route with a body. */
    private static List<Probe> bodyCases(String name, Route row, String method, String template) {
        List<Probe> cases = new ArrayList<>();
        String target = target(template, row.path().apply(mallory), row.query().apply(mallory));
        Map<String, String> headers = headers(row, mallory);
        switch (row.body()) {
            case Body.None none -> { }
            case Body.Raw raw -> {
                cases.add(probe(name, "an empty body", method, target, headers, new byte[0], status -> status < 500));
                cases.add(probe(name, "a body that is not a " + raw.contentType(), method, target, headers,
                        "MZ\u0000\u0000 not what it says".getBytes(StandardCharsets.UTF_8), status -> status < 500));
                cases.add(oversize(name, method, target, headers));
            }
            case Body.Json body -> {
                for (String text : BODIES) {
                    cases.add(probe(name, "body " + abbreviate(text), method, target, sign(body, headers, text),
                            text.getBytes(StandardCharsets.UTF_8), status -> status < 500));
                }
                byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
                cases.add(probe(name, "body not UTF-8", method, target, sign(body, headers, notUtf8), notUtf8,
                        status -> status < 500));
                cases.add(oversize(name, method, target, headers));
                Set<List<Object>> attacked = new java.util.HashSet<>();
                for (String base : body.bases().apply(mallory)) {
                    Map<String, Object> valid = readMap(base);
                    for (List<Object> field : fields(valid)) {
                        if (!attacked.add(field)) {
                            continue; // the same field of an earlier valid body
                        }
                        Object value = at(valid, field);
                        List<String> values = value instanceof String ? FOR_STRINGS
                                : value instanceof Number ? FOR_NUMBERS : FOR_OTHERS;
                        boolean isName = NAME_FIELDS.contains(String.valueOf(field.getLast()));
                        for (String literal : values) {
                            String text = with(valid, field, literal);
                            cases.add(probe(name, "field " + field + "=" + abbreviate(literal), method, target,
                                    sign(body, headers, text), text.getBytes(StandardCharsets.UTF_8),
                                    isName && refusedAsName(literal) ? status -> status >= 400 && status < 500
                                            : status -> status < 500));
                        }
                    }
                }
                if (body.signed()) {
                    String text = body.bases().apply(mallory).getFirst();
                    for (String signature : List.of("", "t=1,v1=00", "t=" + Instant.now().getEpochSecond() + ",v1="
                            + "0".repeat(64), "v1=" + "a".repeat(4_000), "t=99999999999999999999,v1=ab", "t=-1,v1=",
                            "t=" + Instant.now().minusSeconds(3600).getEpochSecond() + ",v1=" + MuxSignature.sign(
                                    webhookSecret, Instant.now().minusSeconds(3600).getEpochSecond(),
                                    text.getBytes(StandardCharsets.UTF_8)).substring(2))) {
                        Map<String, String> signed = new LinkedHashMap<>(headers);
                        signed.put(MuxSignature.HEADER, signature);
                        cases.add(probe(name, "Mux-Signature " + abbreviate(signature), method, target, signed,
                                text.getBytes(StandardCharsets.UTF_8), expect(401)));
                    }
                }
            }
        }
        return cases;
    }

    /** Fields that name a file: a label, never a path, so no separators, controls, bidi marks or broken Unicode. */
    static final Set<String> NAME_FIELDS = Set.of("filename", "name");

    /** Whether a JSON literal, given as a file's name, must be refused (4xx) rather than taken. */
    static boolean refusedAsName(String literal) {
        if (!literal.startsWith("\"")) {
            return false; // another type: a number may be taken as its text, as the decoder does
        }
        String text;
        try {
            text = json.readValue(literal, String.class);
        } catch (IOException e) {
            throw new IllegalStateException(literal, e);
        }
        return text.isBlank() || text.getBytes(StandardCharsets.UTF_8).length > 255 || text.contains("/")
                || text.contains("\\") || text.equals("..") || !dev.stowage.domain.Text.isStorable(text)
                || text.indexOf('\u202E') >= 0;
    }

    private static Probe oversize(String name, String method, String target, Map<String, String> headers) {
        byte[] big = new byte[MAX_REQUEST_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '[';
        return probe(name, "a body over the 8 MB limit", method, target, headers, big, expect(413));
    }

    /** Every field a valid body has, nested ones and array items too, as paths of keys and indexes. */
    @SuppressWarnings("unchecked")
    static List<List<Object>> fields(Object node) {
        List<List<Object>> fields = new ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                fields.add(List.of(key));
                fields(value).forEach(sub -> fields.add(prefixed(key, sub)));
            });
        } else if (node instanceof List<?> list && !list.isEmpty()) {
            fields.add(List.of(0));
            fields(list.getFirst()).forEach(sub -> fields.add(prefixed(0, sub)));
        }
        return fields;
    }

    private static List<Object> prefixed(Object head, List<Object> tail) {
        List<Object> path = new ArrayList<>();
        path.add(head);
        path.addAll(tail);
        return path;
    }

    @SuppressWarnings("unchecked")
    private static Object at(Object node, List<Object> field) {
        for (Object key : field) {
            node = node instanceof Map<?, ?> m ? m.get(key) : ((List<Object>) node).get((Integer) key);
        }
        return node;
    }

    /** The valid body with the value at {@code field} replaced by the raw JSON {@code literal}. */
    @SuppressWarnings("unchecked")
    private static String with(Map<String, Object> valid, List<Object> field, String literal) {
        Map<String, Object> copy = readMap(write(valid));
        Object node = copy;
        for (int i = 0; i < field.size() - 1; i++) {
            node = node instanceof Map<?, ?> m ? m.get(field.get(i)) : ((List<Object>) node).get((Integer) field.get(i));
        }
        Object last = field.getLast();
        if (node instanceof Map<?, ?> m) {
            ((Map<Object, Object>) m).put(last, MARK);
        } else {
            ((List<Object>) node).set((Integer) last, MARK);
        }
        return write(copy).replace("\"" + MARK + "\"", literal);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readMap(String text) {
        try {
            return json.readValue(text, Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(text, e);
        }
    }

    private static String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code text} as a JSON string, escaped as RFC 8259 asks (a lone surrogate stays one, as \\uD800). */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append("\\u%04x".formatted((int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests.

    record Probe(String route, String label, String method, String target, Map<String, String> headers, byte[] body,
                 IntPredicate expected) {}

    record RawCase(String label, String request) {}

    private static Probe probe(String route, String label, String method, String target, Map<String, String> headers,
                               byte[] body, IntPredicate expected) {
        return new Probe(route, label, method, target, headers, body, expected);
    }

    private static IntPredicate expect(int status) {
        return actual -> actual == status;
    }

    private static Map<String, String> headers(Route row, Fixtures f) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (row.auth() != Auth.NONE) {
            headers.put("Authorization", "Bearer " + f.token());
        }
        switch (row.body()) {
            case Body.Raw raw -> headers.put("Content-Type", raw.contentType());
            case Body.Json j -> headers.put("Content-Type", "application/json");
            case Body.None none -> { }
        }
        return headers;
    }

    private static Map<String, String> withAuthorization(Map<String, String> headers, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put("Authorization", value);
        return copy;
    }

    private static Map<String, String> sign(Body.Json body, Map<String, String> headers, String text) {
        return sign(body, headers, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A webhook body is signed as Mux signs it, so what is hostile is the body, not the signature. */
    private static Map<String, String> sign(Body.Json body, Map<String, String> headers, byte[] bytes) {
        if (!body.signed()) {
            return headers;
        }
        Map<String, String> signed = new LinkedHashMap<>(headers);
        signed.put(MuxSignature.HEADER, MuxSignature.sign(webhookSecret, Instant.now().getEpochSecond(), bytes));
        return signed;
    }

    private static byte[] body(Route row, Fixtures f) {
        return switch (row.body()) {
            case Body.None none -> null;
            case Body.Raw raw -> raw.bytes();
            case Body.Json j -> {
                String text = j.bases().apply(f).getFirst();
                yield text.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** The path and query, values percent-encoded here. */
    private static String target(String template, Map<String, String> path, Map<String, String> query) {
        return encodedTarget(template, encoded(path), encoded(query));
    }

    private static Map<String, String> encoded(Map<String, String> values) {
        Map<String, String> encoded = new LinkedHashMap<>();
        values.forEach((k, v) -> encoded.put(k, encode(v)));
        return encoded;
    }

    /** The path and query, with values already percent-encoded. */
    private static String encodedTarget(String template, Map<String, String> path, Map<String, String> query) {
        String target = template;
        for (var p : path.entrySet()) {
            target = target.replace("{" + p.getKey() + "}", p.getValue());
        }
        if (!query.isEmpty()) {
            target += query.entrySet().stream().map(q -> q.getKey() + "=" + q.getValue())
                    .collect(Collectors.joining("&", "?", ""));
        }
        return target;
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return printable(text.length() > 40 ? text.substring(0, 30) + "…(" + text.length() + ")" : text);
    }

    private static String printable(String shown) {
        return shown.codePoints().mapToObj(c -> Character.isISOControl(c) || c == 0x202E
                ? "\\u%04x".formatted(c) : Character.toString(c)).collect(Collectors.joining());
    }

    private static List<String> run(List<Probe> probes) throws Exception {
        return run(probes, List.of());
    }

    /** Sends every probe, a few at a time, and returns what was wrong with each answer. */
    private static List<String> run(List<Probe> probes, List<String> mustNotMention) throws Exception {
        List<Future<Optional<String>>> answers = new ArrayList<>();
        for (Probe probe : probes) {
            answers.add(senders.submit(() -> send(probe, mustNotMention)));
        }
        List<String> failures = new ArrayList<>();
        for (Future<Optional<String>> answer : answers) {
            answer.get().ifPresent(failures::add);
        }
        return failures;
    }

    private static Optional<String> send(Probe probe, List<String> mustNotMention) {
        sent.incrementAndGet();
        perRoute.computeIfAbsent(probe.route(), r -> new AtomicInteger()).incrementAndGet();
        String what = probe.route() + " [" + probe.label() + "]";
        HttpResponse<String> response;
        // The server closes a connection after refusing what is too large to read; such a request gets a
        // connection of its own, so no other request is sent on one being closed.
        boolean closes = probe.body() != null && probe.body().length > MAX_REQUEST_BYTES
                || probe.target().length() > 4_000
                || probe.headers().values().stream().mapToInt(String::length).sum() > 6_000;
        try (HttpClient once = closes ? client() : null) {
            var request = HttpRequest.newBuilder(URI.create(stack.apiUrl().toString().replaceAll("/$", "")
                            + probe.target())).timeout(TIMEOUT)
                    .method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(probe.body()));
            probe.headers().forEach(request::header);
            response = (closes ? once : http).send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException | InterruptedException e) {
            return Optional.of(what + ": no answer: " + e);
        }
        // An id the request carried may come back (404 "asset <id> not found"); any other of the owner's is a leak.
        String sentIds = probe.target() + (probe.body() == null ? "" : new String(probe.body(), StandardCharsets.UTF_8));
        return verdict(what, probe.expected(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""), response.body(), mustNotMention, sentIds);
    }

    /** What is wrong with an answer: a 5xx, an unexpected status, a 4xx that is not a problem with a stable code. */
    static Optional<String> verdict(String what, IntPredicate expected, int status, String contentType, String body,
                                    List<String> mustNotMention, String sentIds) {
        String answer = what + ": " + status + " " + contentType + " " + abbreviate(body.replace('\n', ' '));
        if (status >= 500) {
            serverErrors.incrementAndGet();
        }
        if (status >= 500 || !expected.test(status)) {
            return Optional.of(answer);
        }
        if (body.contains("\tat ") || body.contains("Exception")) {
            return Optional.of(answer + " (names an exception)");
        }
        for (String id : mustNotMention) {
            if (body.contains(id) && !sentIds.contains(id)) {
                return Optional.of(answer + " (names the owner's " + id + ")");
            }
        }
        if (status >= 400) {
            if (!contentType.startsWith("application/problem+json")) {
                return Optional.of(answer + " (not a problem)");
            }
            try {
                Map<?, ?> problem = json.readValue(body, Map.class);
                if (!stableCodes.contains(String.valueOf(problem.get("code")))
                        || !(problem.get("status") instanceof Number n && n.intValue() == status)) {
                    return Optional.of(answer + " (no stable code, or another status)");
                }
            } catch (IOException e) {
                return Optional.of(answer + " (not JSON)");
            }
        }
        return Optional.empty();
    }

    /** Bytes the HTTP client would not send, written to the socket as they are. */
    private static String raw(RawCase c) {
        sent.incrementAndGet();
        perRoute.computeIfAbsent("(wire)", r -> new AtomicInteger()).incrementAndGet();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(stack.apiUrl().getHost(), stack.apiUrl().getPort()), 5_000);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(c.request().getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            String text = answer.toString(StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                return null; // closed without an answer: a refusal, not a server error
            }
            String statusLine = text.lines().findFirst().orElse("");
            String[] words = statusLine.split(" ");
            int status = words.length > 1 && words[1].matches("\\d{3}") ? Integer.parseInt(words[1]) : -1;
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            String contentType = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring(13).trim()).findFirst().orElse("");
            if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return verdict("(wire) [" + c.label() + "]", s -> s >= 200 && s < 500, status, contentType, body, List.of(),
                    "").orElse(null);
        } catch (IOException e) {
            return null; // a reset is how a server may refuse bytes it cannot parse
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int eol = body.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
