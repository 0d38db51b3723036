package dev.stowage.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** What the storage contracts share: sending presigned requests as a browser would, the clock, test bytes. */
final class ContractSupport {


    private ContractSupport() {
    }

    /** Sends a presigned request with the given headers. {@code body} null sends none. */
    static HttpResponse<byte[]> send(PresignedRequest request, byte[] body, Map<String, String> headers) {
        return PresignedHttp.send(request.url(), request.method(), headers, body);
    }

    /** {@code n} bytes that differ with {@code seed} and along the array, so slices and swaps are noticed. */
    static byte[] bytes(int n, int seed) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + seed * 17 + (i >> 8));
        }
        return bytes;
    }

    /** Base64 SHA-256, as S3 carries it in {@code x-amz-checksum-sha256}. */
    static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of a header the request names, whatever its case; null if it names none. */
    static String header(PresignedRequest request, String name) {
        return header(request.headers(), name);
    }

    static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    static void assertExpiresAbout(PresignedRequest request, Instant before, Duration ttl) {
        Instant after = Instant.now();
        // Signing truncates its timestamp to whole seconds, hence a second of slack either way.
        assertFalse(request.expiresAt().isBefore(before.plus(ttl).minusSeconds(1)), "expires too early: " + request.expiresAt());
        assertFalse(request.expiresAt().isAfter(after.plus(ttl).plusSeconds(1)), "expires too late: " + request.expiresAt());
    }

    /**
     * Waits until the server itself refuses {@code probe}, a presigned GET of a key nobody writes, signed just
     * after the URL under test and with the same TTL: the server's clock decides expiry, not this JVM's,
     * and a URL signed no later than the probe has expired once the probe has. Until then the server
     * answers the probe 404 (a valid signature for a missing key).
     */
    static void waitUntilServerRefuses(PresignedRequest probe) {
        Duration timeout = Duration.between(Instant.now(), probe.expiresAt()).plusSeconds(30);
        Eventually.await(timeout, () -> send(probe, null, probe.headers()).statusCode() == 403,
                "the server to refuse a presigned GET signed to expire at " + probe.expiresAt());
    }

    static void assertRefused(HttpResponse<byte[]> response, String what) {
        assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, what + " must be refused with 4xx, got "
                + response.statusCode() + ": " + text(response));
    }

    static void assertSuccess(HttpResponse<byte[]> response) {
        assertTrue(response.statusCode() / 100 == 2, "expected 2xx, got " + response.statusCode() + ": " + text(response));
    }

    static byte[] body(HttpResponse<byte[]> response) {
        assertSuccess(response);
        return response.body();
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
