package dev.stowage.lambda.http;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/** The request body as text, undecoded; empty when there is none. */
public interface RawBody {
    String of(HttpRequest<?> request);

    /** On an HTTP server the framework hands over the text as sent. */
    @Singleton
    @Secondary
    class FromServer implements RawBody {
        @Override
        public String of(HttpRequest<?> request) {
            return request.getBody(Argument.STRING).orElse("");
        }
    }
}
