package dev.stowage.lambda.http;

import io.micronaut.http.HttpRequest;
import java.util.Map;
import java.util.Optional;

/** Finds who is calling: the authenticated subject, or empty when the request carries none; and its token's claims. */
public interface CallerResolver {
    Optional<String> subject(HttpRequest<?> request);

    /** The trusted token's claims as strings (a list claim's values space-separated); empty without one. */
    Map<String, String> claims(HttpRequest<?> request);
}
