package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The uploads function, driven through its API Gateway handler against real PostgreSQL and S3. */
class UploadsFunctionTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static ObjectStore store;

    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        store = function.getApplicationContext().getBean(ObjectStore.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static String initiateBody(String filename, String contentType, long size) {
        return """
                {"profile":"image","filename":"%s","contentType":"%s","byteSize":%d,"strategy":"direct"}"""
                .formatted(filename, contentType, size);
    }

    /** Initiates and signs; returns the session id and the signed request. */
    Map<String, Object> initiateAndSign(String filename, String contentType, long size) {
        var created = api.call(alice, "POST", "/v1/uploads", initiateBody(filename, contentType, size));
        assertEquals(201, created.status(), created.body());
        var signed = api.call(alice, "POST", "/v1/uploads/" + created.string("id") + "/url", "");
        assertEquals(200, signed.status(), signed.body());
        return signed.map();
    }

    @SuppressWarnings("unchecked")
    static int put(Map<String, Object> signed, byte[] bytes, String contentTypeOverride) {
        var headers = new java.util.HashMap<>((Map<String, String>) signed.get("headers"));
        if (contentTypeOverride != null) {
            headers.put("content-type", contentTypeOverride);
        }
        return PresignedHttp.send(URI.create((String) signed.get("url")), "PUT", headers, bytes).statusCode();
    }

    @SuppressWarnings("unchecked")
    static String sessionId(Map<String, Object> signed) {
        return (String) ((Map<String, Object>) signed.get("session")).get("id");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(ApiGatewayClient.Reply asset) {
        return (Map<String, Object>) asset.map().get("metadata");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> variants(ApiGatewayClient.Reply asset) {
        return (List<Map<String, Object>>) asset.map().getOrDefault("variants", List.of());
    }

    static List<Object> variantNames(ApiGatewayClient.Reply asset) {
        return variants(asset).stream().map(v -> v.get("name")).toList();
    }

    static List<Object> imageVariantNames() {
        return function.getApplicationContext().getBean(Profiles.class).find("image").orElseThrow().variants()
                .stream().map(VariantSpec::name).sorted().<Object>map(n -> n).toList();
    }

    @Test
    void theSampleApiGatewayEventInitiatesASessionForTheAuthorizersSubject() {
        var event = api.decode(Events.text("api-initiate-upload.json"), APIGatewayV2HTTPEvent.class);
        var reply = api.send(event);
        assertEquals(201, reply.status(), reply.body());
        assertEquals("initialized", reply.string("state"));
        assertEquals("my summer photo.jpg", reply.string("filename"));
        // The session belongs to the token's subject: another caller cannot see it.
        String id = reply.string("id");
        assertEquals(200, api.call("user-7f3a", "GET", "/v1/uploads/" + id, "").status());
        assertEquals(404, api.call(alice, "GET", "/v1/uploads/" + id, "").status());
    }

    @Test
    void aDirectUploadIsSignedPutVerifiedAndPromotedWithProbedMetadata() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        var signed = initiateAndSign("landscape.jpg", "image/jpeg", jpeg.length);
        assertEquals("PUT", signed.get("method"));
        assertEquals(200, put(signed, jpeg, null));

        var completed = api.call(alice, "POST", "/v1/uploads/" + sessionId(signed) + "/complete", "");
        assertEquals(200, completed.status(), completed.body());
        assertEquals("processing", completed.string("state"));
        assertEquals("image/jpeg", metadata(completed).get("contentType"));
        assertEquals(1200, metadata(completed).get("width"));
        assertEquals(800, metadata(completed).get("height"));

        // The answer names the variants promotion planned, each queued (no worker runs here), as GET does.
        assertEquals(imageVariantNames(), variantNames(completed));
        assertTrue(variants(completed).stream().allMatch(v -> "queued".equals(v.get("state"))), completed.body());

        var session = api.call(alice, "GET", "/v1/uploads/" + sessionId(signed), "");
        assertEquals("completed", session.string("state"));
        // The original left staging for its promoted key.
        assertTrue(store.head("assets/" + completed.string("id") + "/original").isPresent());
    }

    @Test
    void completingTwiceIsANoOpTheSecondTime() throws Exception {
        byte[] png = TestMedia.bytes("alpha.png");
        var signed = initiateAndSign("alpha.png", "image/png", png.length);
        assertEquals(200, put(signed, png, null));
        var first = api.call(alice, "POST", "/v1/uploads/" + sessionId(signed) + "/complete", "");
        var second = api.call(alice, "POST", "/v1/uploads/" + sessionId(signed) + "/complete", "");
        assertEquals(200, second.status(), second.body());
        assertEquals(first.string("updatedAt"), second.string("updatedAt"));
        assertEquals("processing", second.string("state"));
    }

    @Test
    void bytesThatAreNotWhatTheyClaimAreQuarantined() throws Exception {
        byte[] html = TestMedia.bytes("html-named.jpg");
        var signed = initiateAndSign("html-named.jpg", "image/jpeg", html.length);
        assertEquals(200, put(signed, html, null));
        var completed = api.call(alice, "POST", "/v1/uploads/" + sessionId(signed) + "/complete", "");
        assertEquals(200, completed.status(), completed.body());
        assertEquals("quarantined", completed.string("state"));
        assertEquals("text/html", metadata(completed).get("contentType"));
        assertTrue(completed.string("quarantineReason").startsWith("content_type_not_allowed"));
    }

    @Test
    void theStorageServerRefusesAPutWithAnotherContentTypeAndNothingIsVerified() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        var signed = initiateAndSign("landscape.jpg", "image/jpeg", jpeg.length);
        assertEquals(403, put(signed, jpeg, "image/png"));
        var completed = api.call(alice, "POST", "/v1/uploads/" + sessionId(signed) + "/complete", "");
        assertEquals(409, completed.status());
        assertEquals("object_missing", completed.string("code"));
        // The session is still usable: the right PUT then completes.
        assertEquals(200, put(signed, jpeg, null));
        assertEquals("processing",
                api.call(alice, "POST", "/v1/uploads/" + sessionId(signed) + "/complete", "").string("state"));
    }

    @Test
    void theStorageServerRefusesAPutOfAnotherLength() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        var signed = initiateAndSign("landscape.jpg", "image/jpeg", jpeg.length + 1);
        assertEquals(403, put(signed, jpeg, null));
        assertTrue(store.head("staging/" + sessionId(signed) + "/landscape.jpg").isEmpty());
    }

    @Test
    void aDeclaredChecksumIsBoundIntoTheSignedUrl() throws Exception {
        byte[] jpeg = TestMedia.bytes("landscape.jpg");
        String sha = Base64.getEncoder().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(jpeg));
        var created = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"image","filename":"c.jpg","contentType":"image/jpeg","byteSize":%d,"checksumSha256":"%s"}"""
                .formatted(jpeg.length, sha));
        var signed = api.call(alice, "POST", "/v1/uploads/" + created.string("id") + "/url", "").map();
        byte[] tampered = jpeg.clone();
        tampered[tampered.length / 2] ^= 1;
        assertEquals(400, put(signed, tampered, null));
        assertEquals(200, put(signed, jpeg, null));
    }

    @Test
    void anotherPrincipalsSessionAnswers404() {
        var created = api.call(alice, "POST", "/v1/uploads", initiateBody("a.jpg", "image/jpeg", 10));
        String id = created.string("id");
        for (String[] route : new String[][] {{"GET", ""}, {"POST", "/url"}, {"POST", "/complete"}}) {
            var reply = api.call("mallory", route[0], "/v1/uploads/" + id + route[1], "");
            assertEquals(404, reply.status(), route[0] + route[1]);
            assertEquals("upload_not_found", reply.string("code"));
        }
    }

    @Test
    void aRequestWithoutAnAuthorizedCallerIs401() {
        var reply = api.call(null, "POST", "/v1/uploads", initiateBody("a.jpg", "image/jpeg", 10));
        assertEquals(401, reply.status());
        assertEquals("unauthenticated", reply.string("code"));
    }

    @Test
    void aSubjectNoCallerCanHaveIs401NotA500() {
        // A token's sub is JSON: it can hold U+0000, which PostgreSQL text cannot store.
        for (String subject : new String[] {"a\u0000b", "a\u0001b", "line\nbreak", " "}) {
            var reply = api.call(subject, "POST", "/v1/uploads", initiateBody("a.jpg", "image/jpeg", 10));
            assertEquals(401, reply.status(), reply.body());
            assertEquals("unauthenticated", reply.string("code"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON            | {\"profile\":                                                                              | 400 | malformed_request",
        "unknown profile           | {\"profile\":\"nope\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1}   | 422 | unknown_profile",
        "disallowed type           | {\"profile\":\"image\",\"filename\":\"a.svg\",\"contentType\":\"image/svg+xml\",\"byteSize\":1} | 422 | content_type_not_allowed",
        "over the profile max      | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":99999999999} | 413 | too_large",
        "negative size             | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":-5}  | 422 | invalid_byte_size",
        "zero size                 | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":0}   | 422 | invalid_byte_size",
        "path separator            | {\"profile\":\"image\",\"filename\":\"../x.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1} | 422 | invalid_filename",
        "control character         | {\"profile\":\"image\",\"filename\":\"a\\u0007.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1} | 422 | invalid_filename",
        "size of the wrong type    | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":\"big\"} | 400 | malformed_request",
        "fractional size           | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1.5} | 400 | malformed_request",
        "size beyond any integer   | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1e30} | 400 | malformed_request",
        "size of 10^16 bytes       | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":10000000000000000} | 413 | too_large",
        "unknown strategy          | {\"profile\":\"image\",\"filename\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":1,\"strategy\":\"carrier-pigeon\"} | 422 | unsupported_strategy",
    })
    void badInitiateRequestsAreProblemJsonWithAStableCode(String why, String body, int status, String code) {
        var reply = api.call(alice, "POST", "/v1/uploads", body);
        assertEquals(status, reply.status(), why + ": " + reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        assertEquals(code, reply.string("code"), reply.body());
        assertEquals(status, ((Number) reply.map().get("status")).intValue());
    }

    @Test
    void aPathIdThatIsNotAUuidIs400() {
        var reply = api.call(alice, "GET", "/v1/uploads/not-a-uuid", "");
        assertEquals(400, reply.status(), reply.body());
        assertEquals("malformed_request", reply.string("code"));
    }

    @Test
    void completingAnUnsignedSessionIsAWrongStateConflict() {
        var created = api.call(alice, "POST", "/v1/uploads", initiateBody("a.jpg", "image/jpeg", 10));
        var reply = api.call(alice, "POST", "/v1/uploads/" + created.string("id") + "/complete", "");
        assertEquals(409, reply.status());
        assertEquals("invalid_state", reply.string("code"));
    }

    @Test
    void anUnknownRouteIsAProblem404() {
        var reply = api.call(alice, "GET", "/v1/nothing-here", "");
        assertEquals(404, reply.status());
        assertEquals("not_found", reply.string("code"));
    }

    @Test
    void aProxiedUploadIsStoredProbedAndPromotedInOneCall() {
        var reply = proxied("image", "photo.webp", "image/webp", TestMedia.bytes("photo.webp"));
        assertEquals(201, reply.status(), reply.body());
        assertEquals("processing", reply.string("state"));
        assertEquals(900, metadata(reply).get("width"));
        assertNull(reply.map().get("quarantineReason"));
        assertEquals(imageVariantNames(), variantNames(reply));
    }

    @Test
    void anMp4StatingAnAbsurdDurationIsQuarantinedNotA500() {
        var reply = proxied("video", "long.mp4", "video/mp4", TestMedia.mp4StatingDuration(10_000_000_000_000_000L));
        assertEquals(201, reply.status(), reply.body());
        assertEquals("quarantined", reply.string("state"));
        assertTrue(reply.string("quarantineReason").startsWith("unreadable_media:"), reply.body());
        assertNull(metadata(reply).get("durationMs"), reply.body());
    }

    /** {@code POST /v1/uploads/proxied} with the file as the body, as API Gateway delivers it (base64). */
    ApiGatewayClient.Reply proxied(String profile, String filename, String contentType, byte[] bytes) {
        var event = api.event(alice, "POST", "/v1/uploads/proxied", "profile=" + profile + "&filename=" + filename,
                contentType, Base64.getEncoder().encodeToString(bytes), true);
        event.setQueryStringParameters(Map.of("profile", profile, "filename", filename));
        return api.send(event);
    }
}
