package dev.stowage.functions.assets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery URLs through the assets function's handler, fetched from the real S3 server with the HTTP
 * client a browser stands for: the bytes, their sniffed type and a safe file name; the stale policy when
 * a variant is not ready; nothing for what may not be served.
 */
class DeliveryFunctionTest {
    static final String CDN = "https://media.example.com/";
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        var properties = new HashMap<>(TestStack.get().micronautProperties());
        // A profile whose variants are never served in another's place, and a CDN for public profiles.
        properties.put("stowage.profiles.strict.allowed-content-types", "image/jpeg");
        properties.put("stowage.profiles.strict.max-bytes", "5MB");
        properties.put("stowage.profiles.strict.variants.thumb", "64x64 cover jpeg q80");
        properties.put("stowage.profiles.strict.delivery", "signed");
        properties.put("stowage.profiles.strict.delivery-ttl", "2m");
        properties.put("stowage.profiles.strict.stale-policy", "not_found");
        properties.put("stowage.profiles.strict.session-ttl", "1h");
        properties.put("stowage.profiles.strict.sign-ttl", "10m");
        properties.put("stowage.delivery.public-base-url", CDN);
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(properties));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    Asset stored(String owner, String profile, String file, String filename) {
        byte[] bytes = TestMedia.bytes(file);
        return function.getApplicationContext().getBean(ProxiedUpload.class).execute(new Principal(owner),
                new ProxiedUpload.Command(new UploadAdmission.Declared(profile, filename, "image/jpeg",
                        (long) bytes.length, null), bytes)).orElseThrow();
    }

    static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aSignedUrlServesTheOriginalsBytesWithItsSniffedTypeAndASafeNameAndIsNeverCached() throws Exception {
        String name = "Fötö \"crème\" 山.jpg";
        Asset asset = stored(alice, "image", "landscape.jpg", name);

        var reply = api.call(alice, "GET", "/v1/assets/" + asset.id() + "/url?disposition=attachment", "");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("private, no-store", reply.headers().get("Cache-Control"));
        assertEquals("original", reply.string("servedFrom"));
        Instant expires = Instant.parse(reply.string("expiresAt"));
        assertTrue(expires.isAfter(Instant.now().plus(Duration.ofMinutes(14)))
                && expires.isBefore(Instant.now().plus(Duration.ofMinutes(16))), "the image profile's 15m: " + expires);
        var served = fetch(reply.string("url"));
        assertEquals(200, served.statusCode());
        assertArrayEquals(TestMedia.bytes("landscape.jpg"), served.body());
        assertEquals("image/jpeg", served.headers().firstValue("Content-Type").orElse(null));
        String disposition = served.headers().firstValue("Content-Disposition").orElseThrow();
        assertEquals("attachment; filename=\"F_t_ _cr_me_ _.jpg\"; "
                + "filename*=UTF-8''F%C3%B6t%C3%B6%20%22cr%C3%A8me%22%20%E5%B1%B1.jpg", disposition);
    }

    @Test
    void aVariantThatIsNotReadyFallsBackPerTheProfilesStalePolicy() {
        Asset photo = stored(alice, "image", "landscape.jpg", "photo.jpg");
        var fallback = api.call(alice, "GET", "/v1/assets/" + photo.id() + "/url?variant=thumb", "");
        assertEquals(200, fallback.status(), fallback.body());
        assertEquals("thumb", fallback.string("variant"));
        assertEquals("original", fallback.string("servedFrom"), "image serves the original in a planned thumb's place");

        Asset strict = stored(alice, "strict", "landscape.jpg", "photo.jpg");
        var refused = api.call(alice, "GET", "/v1/assets/" + strict.id() + "/url?variant=thumb", "");
        assertEquals(404, refused.status(), refused.body());
        assertEquals("variant_not_ready", refused.string("code"));
        assertEquals(200, api.call(alice, "GET", "/v1/assets/" + strict.id() + "/url", "").status(),
                "the original itself is still served");

        var unknown = api.call(alice, "GET", "/v1/assets/" + photo.id() + "/url?variant=poster", "");
        assertEquals(422, unknown.status());
        assertEquals("unknown_variant", unknown.string("code"));
    }

    @Test
    void aPublicProfileIsServedFromTheConfiguredBaseUrlWithNoExpiry() {
        Asset avatar = stored(alice, "avatar", "landscape.jpg", "me.jpg");
        var reply = api.call(alice, "GET", "/v1/assets/" + avatar.id() + "/url", "");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(CDN + avatar.storageKey().orElseThrow(), reply.string("url"));
        assertEquals(null, reply.map().get("expiresAt"));
    }

    @Test
    void whatMayNotBeServedIsNotFoundAndABadDispositionIsRefused() {
        Asset quarantined = stored(alice, "image", "html-named.jpg", "evil.jpg");
        assertEquals(AssetState.QUARANTINED, quarantined.state());
        Asset theirs = stored("mallory-" + UUID.randomUUID(), "image", "landscape.jpg", "x.jpg");
        for (UUID id : new UUID[] {quarantined.id(), theirs.id(), UUID.randomUUID()}) {
            var reply = api.call(alice, "GET", "/v1/assets/" + id + "/url", "");
            assertEquals(404, reply.status(), reply.body());
            assertEquals("asset_not_found", reply.string("code"));
        }
        Asset mine = stored(alice, "image", "landscape.jpg", "photo.jpg");
        var bad = api.call(alice, "GET", "/v1/assets/" + mine.id() + "/url?disposition=download", "");
        assertEquals(422, bad.status());
        assertEquals("invalid_field", bad.string("code"));
    }
}
