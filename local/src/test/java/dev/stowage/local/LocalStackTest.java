package dev.stowage.local;

import dev.stowage.testkit.TestStack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import io.micronaut.json.JsonMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The launcher starts its own PostgreSQL and S3 server and serves a real upload end to end. */
class LocalStackTest {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static LocalStack stack;
    static JsonMapper json;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String TOKEN = DevTokens.mint(SECRET, "carol", Duration.ofMinutes(10));

    @BeforeAll
    static void start() {
        TestStack.Isolated servers = TestStack.get().isolated();
        stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), SECRET), servers.postgres(), servers.s3());
        json = stack.context().getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(stack.apiUrl().resolve(path)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(HttpResponse<String> response) throws Exception {
        return json.readValue(response.body(), Map.class);
    }

    @Test
    void healthAnswersWhenTheStackIsUp() throws Exception {
        var response = send(HttpRequest.newBuilder(stack.apiUrl().resolve("/health")));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("ok", body(response).get("status"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPresignedPutBecomesAnAvailableAssetThroughTheS3EventAlone() throws Exception {
        byte[] jpeg = TestMedia.bytes("progressive.jpg");
        var created = send(api("/v1/uploads").POST(HttpRequest.BodyPublishers.ofString("""
                {"profile":"image","filename":"holiday photo.jpg","contentType":"image/jpeg","byteSize":%d}"""
                .formatted(jpeg.length))));
        assertEquals(201, created.statusCode(), created.body());
        String sessionId = (String) body(created).get("id");
        String assetId = (String) body(created).get("assetId");

        var signed = body(send(api("/v1/uploads/" + sessionId + "/url").POST(HttpRequest.BodyPublishers.noBody())));
        assertTrue(((String) signed.get("url")).startsWith(stack.s3Endpoint().toString()), "URL names the S3 front");
        assertEquals(200, PresignedHttp.send(URI.create((String) signed.get("url")), "PUT",
                (Map<String, String>) signed.get("headers"), jpeg).statusCode());

        // No call to /complete: the S3 event the front emits drives verification, as on AWS.
        AtomicReference<Map<String, Object>> asset = new AtomicReference<>();
        Eventually.await(Duration.ofSeconds(20), () -> {
            try {
                asset.set(body(send(api("/v1/assets/" + assetId).GET())));
                return "ready".equals(asset.get().get("state"));
            } catch (Exception e) {
                return false;
            }
        }, "asset " + assetId + " to become ready: promoted, and its variants rendered by the in-process worker");
        var metadata = (Map<String, Object>) asset.get().get("metadata");
        assertEquals(1000, metadata.get("width"));
        assertEquals(700, metadata.get("height"));
        assertEquals("completed", body(send(api("/v1/uploads/" + sessionId).GET())).get("state"));
        var thumb = body(send(api("/v1/assets/" + assetId + "/url?variant=thumb").GET()));
        assertEquals("variant", thumb.get("servedFrom"));
        var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                PresignedHttp.send(URI.create((String) thumb.get("url")), "GET", Map.of(), null).body()));
        assertEquals(List.of(200, 200), List.of(image.getWidth(), image.getHeight()), "the thumbnail, from storage");
    }

    @Test
    void aMultipartUploadThroughTheLauncherCompletesAndIsPromoted() throws Exception {
        byte[] file = java.util.Arrays.copyOf(TestMedia.bytes("landscape.jpg"), 9 * 1024 * 1024);
        var created = body(send(api("/v1/uploads").POST(HttpRequest.BodyPublishers.ofString(
                "{\"profile\":\"image\",\"filename\":\"big.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":"
                        + file.length + ",\"strategy\":\"multipart\"}"))));
        String id = (String) created.get("id");
        long partSize = ((Number) created.get("partSize")).longValue();
        int partCount = ((Number) created.get("partCount")).intValue();
        assertEquals(2, partCount);
        StringBuilder parts = new StringBuilder();
        for (int n = 1; n <= partCount; n++) {
            var signed = body(send(api("/v1/uploads/" + id + "/parts/" + n + "/url")
                    .POST(HttpRequest.BodyPublishers.noBody())));
            int from = (int) ((n - 1) * partSize);
            int length = (int) Math.min(partSize, file.length - from);
            var response = PresignedHttp.send(URI.create((String) signed.get("url")), "PUT", Map.of(), file,
                    from, length);
            assertEquals(200, response.statusCode());
            parts.append(n == 1 ? "" : ",").append("{\"partNumber\":").append(n).append(",\"etag\":")
                    .append(json.writeValueAsString(response.headers().firstValue("ETag").orElseThrow())).append('}');
        }
        var completed = send(api("/v1/uploads/" + id + "/complete")
                .POST(HttpRequest.BodyPublishers.ofString("{\"parts\":[" + parts + "]}")));
        assertEquals(200, completed.statusCode(), completed.body());
        assertTrue(Set.of("processing", "ready").contains((String) body(completed).get("state")),
                "promoted, its variants rendering or rendered: " + completed.body());
    }

    @Test
    void aRequestWithoutAValidTokenIs401() throws Exception {
        var forged = DevTokens.mint("another-secret-that-is-at-least-32-bytes", "carol", Duration.ofMinutes(1));
        var response = send(HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/uploads/" + java.util.UUID.randomUUID()))
                .header("Authorization", "Bearer " + forged));
        assertEquals(401, response.statusCode());
        assertEquals("unauthenticated", body(response).get("code"));
    }
}
