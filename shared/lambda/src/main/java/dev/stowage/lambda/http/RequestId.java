package dev.stowage.lambda.http;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/** The id that ties a request's log lines to the platform's own records of it. */
public interface RequestId {
    String of(HttpRequest<?> request);

    /** On an HTTP server: the client's {@code X-Request-Id} if it sent one, else a fresh id. */
    @Singleton
    @Secondary
    class FromServer implements RequestId {
        @Override
        public String of(HttpRequest<?> request) {
            return Optional.ofNullable(request.getHeaders().get("X-Request-Id"))
                    .filter(id -> id.length() <= 128)
                    .orElseGet(() -> UUID.randomUUID().toString());
        }
    }
}
