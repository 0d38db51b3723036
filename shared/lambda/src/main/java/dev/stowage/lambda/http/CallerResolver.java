package dev.stowage.lambda.http;

import io.micronaut.http.HttpRequest;
import java.util.Optional;

/** Finds who is calling: the authenticated subject, or empty when the request carries none. */
public interface CallerResolver {
    Optional<String> subject(HttpRequest<?> request);
}
