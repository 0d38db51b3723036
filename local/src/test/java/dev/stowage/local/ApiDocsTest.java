package dev.stowage.local;

import dev.stowage.testkit.TestStack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ErrorCode;
import dev.stowage.testkit.TestMedia;
import io.micronaut.http.HttpMethod;
import io.micronaut.json.JsonMapper;
import io.micronaut.web.router.Router;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code ./stowage local} serves the API's OpenAPI 3.1 document and a reference page that needs no network. */
class ApiDocsTest {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final Pattern PAGE_RESOURCE = Pattern.compile("\"(/docs/res/[^\"]+)\"");
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static LocalStack stack;
    static Map<String, Object> document;

    @BeforeAll
    static void start() throws Exception {
        TestStack.Isolated servers = TestStack.get().isolated();
        stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), SECRET), servers.postgres(), servers.s3());
        document = new Yaml().load(get("/openapi.yml").body());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder api(String path, String contentType) {
        return HttpRequest.newBuilder(stack.apiUrl().resolve(path)).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + DevTokens.mint(SECRET, "dora", Duration.ofMinutes(10)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String body) throws Exception {
        return stack.context().getBean(JsonMapper.class).readValue(body, Map.class);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... keys) {
        for (String key : keys) {
            node = ((Map<String, Object>) node).get(key);
        }
        return (T) node;
    }

    /** Each operation under /v1, as "METHOD /path" → its OpenAPI operation object. */
    static Map<String, Map<String, Object>> v1Operations() {
        Map<String, Map<String, Object>> operations = new TreeMap<>();
        Map<String, Map<String, Map<String, Object>>> paths = at(document, "paths");
        paths.forEach((path, item) -> item.forEach((method, operation) -> {
            if (path.startsWith("/v1/")) {
                operations.put(method.toUpperCase(Locale.ROOT) + " " + path, operation);
            }
        }));
        return operations;
    }

    @Test
    void theDocumentIsOpenApi31Yaml() throws Exception {
        var response = get("/openapi.yml");
        assertEquals(200, response.statusCode());
        assertEquals("application/yaml", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(((String) document.get("openapi")).startsWith("3.1."), "openapi: " + document.get("openapi"));
    }

    @Test
    void theProblemSchemaIsWhatAnErrorReallyCarriesWithEveryStableCode() throws Exception {
        var unauthenticated = get("/v1/uploads/" + UUID.randomUUID());
        assertEquals(401, unauthenticated.statusCode());
        Map<String, Object> problem = json(unauthenticated.body());

        Map<String, Object> schema = at(document, "components", "schemas", "Problem");
        Map<String, Object> properties = at(schema, "properties");
        assertEquals(new TreeSet<>(problem.keySet()), new TreeSet<>(properties.keySet()));
        assertEquals(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList(),
                at(schema, "properties", "code", "enum"));
    }

    @Test
    void theSchemasRequireOnlyWhatRealAnswersCarryAndNameAllTheyCarry() throws Exception {
        var stored = send(api("/v1/uploads/proxied?profile=image&filename=a.png", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestMedia.bytes("alpha.png"))));
        assertEquals(201, stored.statusCode(), stored.body());
        assertDocumentedBy("AssetView", stored.body());

        var opened = send(api("/v1/uploads", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"profile\":\"image\",\"filename\":\"b.png\",\"contentType\":\"image/png\",\"byteSize\":10}")));
        assertEquals(201, opened.statusCode(), opened.body());
        assertDocumentedBy("UploadView", opened.body());
    }

    @Test
    void theRepairAnswersAreDocumentedAndTheRequeueBodyIsReadWhenThereIsOne() throws Exception {
        var stored = send(api("/v1/uploads/proxied?profile=image&filename=a.png", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestMedia.bytes("alpha.png"))));
        assertEquals(201, stored.statusCode(), stored.body());
        String asset = "/v1/assets/" + json(stored.body()).get("id");
        // The proxied upload's own S3 event may hold the analyzing lane when the call answers: the asset is
        // servable (and repairable) once it is promoted, which its state says.
        dev.stowage.testkit.Eventually.await(Duration.ofSeconds(20), () -> {
            try {
                return Set.of("processing", "ready", "degraded")
                        .contains((String) json(send(api(asset, "application/json").GET()).body()).get("state"));
            } catch (Exception e) {
                return false;
            }
        }, asset + " to be promoted");
        String requeue = asset + "/variants/requeue";

        var unknown = send(api(requeue, "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"variantNames\":[\"nope\"]}")));
        assertEquals(422, unknown.statusCode(), "the body reached the route: " + unknown.body());
        assertEquals("unknown_variant", json(unknown.body()).get("code"));
        var all = send(api(requeue, "application/json").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, all.statusCode(), all.body());
        assertEquals(List.of("thumb", "medium"), json(all.body()).get("selected"), "no body: all of the profile's");
        assertDocumentedBy("RepairViews.RequeueView", all.body());

        var reprobed = send(api(requeue.replace("/variants/requeue", "/reprobe"), "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, reprobed.statusCode(), reprobed.body());
        assertDocumentedBy("RepairViews.ReprobeView", reprobed.body());
    }

    static void assertDocumentedBy(String schemaName, String json) throws Exception {
        Map<String, Object> answer = json(json);
        List<String> required = at(document, "components", "schemas", schemaName, "required");
        Map<String, Object> properties = at(document, "components", "schemas", schemaName, "properties");
        assertTrue(answer.keySet().containsAll(required), schemaName + " requires " + required + "; got " + json);
        assertTrue(properties.keySet().containsAll(answer.keySet()), schemaName + " lacks some of " + json);
    }

    @Test
    void everyV1OperationAnswersErrorsWithTheProblemSchema() {
        assertFalse(v1Operations().isEmpty());
        v1Operations().forEach((route, operation) -> {
            for (String status : List.of("4XX", "5XX")) {
                assertEquals("#/components/schemas/Problem",
                        at(operation, "responses", status, "content", "application/problem+json", "schema", "$ref"),
                        route + " " + status);
            }
        });
    }

    @Test
    void v1OperationsTakeTheBearerJwtAndHealthTakesNone() {
        Map<String, Object> bearer = at(document, "components", "securitySchemes", "bearer");
        assertEquals(Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT"),
                Map.of("type", bearer.get("type"), "scheme", bearer.get("scheme"),
                        "bearerFormat", bearer.get("bearerFormat")));
        v1Operations().forEach((route, operation) ->
                assertEquals(List.of(Map.of("bearer", List.of())), operation.get("security"), route));
        assertNull(at(document, "paths", "/health", "get", "security"));
        assertNull(document.get("security"), "no document-wide requirement: /health is open");
    }

    @Test
    void everyRouteTheLauncherServesIsDocumentedAndNoOther() {
        Set<String> served = new TreeSet<>();
        stack.context().getBean(Router.class).uriRoutes()
                // Micronaut adds a HEAD for every GET by itself; the document's own route is not the API.
                .filter(route -> route.getHttpMethod() != HttpMethod.HEAD)
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString())
                .filter(route -> !route.equals("GET /openapi.yml"))
                .forEach(served::add);
        assertEquals(served, ApiRoutesTest.specRoutes());
    }

    @Test
    void theReferencePageAndEveryScriptAndStyleItLoadsComeFromTheLauncher() throws Exception {
        var page = get("/docs");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("'/openapi.yml'"), "the page reads the served document");
        assertFalse(page.body().matches("(?s).*https?://.*"), "the page names no other host");
        assertTrue(page.body().contains("validatorUrl: null"), "Swagger UI's online validator stays off");

        var resources = PAGE_RESOURCE.matcher(page.body()).results().map(m -> m.group(1)).toList();
        assertTrue(resources.stream().anyMatch(r -> r.endsWith(".js")), "scripts: " + resources);
        assertTrue(resources.stream().anyMatch(r -> r.endsWith(".css")), "styles: " + resources);
        for (String resource : resources) {
            var response = get(resource);
            assertEquals(200, response.statusCode(), resource);
            assertFalse(response.body().isEmpty(), resource);
        }
    }
}
