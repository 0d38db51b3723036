package dev.stowage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a presigned request as a browser would: the URL, the headers the server said to send, the body.
 * Each request gets its own connection: a storage server that refuses a request without reading its body
 * closes the socket, and a pooled client can hand that dead socket to the next request. The body waits
 * for {@code 100 Continue}, so a refusal arrives as a status, not a broken pipe.
 */
public final class PresignedHttp {
    // HttpClient derives these from the URL and body and refuses them from callers, as browsers do.
    private static final Set<String> SET_BY_HTTP_CLIENT = Set.of("host", "content-length");

    private PresignedHttp() {}

    public static HttpResponse<byte[]> send(URI url, String method, Map<String, String> headers, byte[] body,
                                            int offset, int length) {
        var builder = HttpRequest.newBuilder(url)
                .expectContinue(body != null)
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? BodyPublishers.noBody()
                        : BodyPublishers.ofByteArray(body, offset, length));
        headers.forEach((name, value) -> {
            if (!SET_BY_HTTP_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            return http.send(builder.build(), BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<byte[]> send(URI url, String method, Map<String, String> headers, byte[] body) {
        return send(url, method, headers, body, 0, body == null ? 0 : body.length);
    }
}
