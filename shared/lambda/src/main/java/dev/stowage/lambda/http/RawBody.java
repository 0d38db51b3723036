package dev.stowage.lambda.http;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/** The request body as text, undecoded; empty when there is none. */
public interface RawBody {
    /**
     * The attribute an HTTP server's filter sets to the buffered body bytes: a server may not buffer a
     * body no {@code @Body} parameter asks for (Netty does not).
     */
    String ATTRIBUTE = "stowage.raw-body";

    String of(HttpRequest<?> request);

    /** The exact bytes, for a signature over them (a webhook's). */
    default byte[] bytesOf(HttpRequest<?> request) {
        return of(request).getBytes(StandardCharsets.UTF_8);
    }

    /** On an HTTP server: the bytes a filter buffered, else whatever the framework holds. */
    @Singleton
    @Secondary
    class FromServer implements RawBody {
        @Override
        public byte[] bytesOf(HttpRequest<?> request) {
            return request.getAttribute(ATTRIBUTE, byte[].class)
                    .orElseGet(() -> RawBody.super.bytesOf(request));
        }

        @Override
        public String of(HttpRequest<?> request) {
            return request.getAttribute(ATTRIBUTE, byte[].class)
                    .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                    .or(() -> request.getBody(Argument.STRING))
                    .orElse("");
        }
    }
}
