package dev.stowage.lambda.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.micronaut.http.HttpRequest;
import io.micronaut.servlet.http.ServletHttpRequest;
import java.util.Optional;

/**
 * The API Gateway event behind a request, on Lambda. Only beans that require the proxy's classes call
 * this, so it is never loaded where they are absent (the local launcher).
 */
final class ApiGatewayEvents {
    private ApiGatewayEvents() {}

    static Optional<APIGatewayV2HTTPEvent> of(HttpRequest<?> request) {
        return request instanceof ServletHttpRequest<?, ?> servlet
                && servlet.getNativeRequest() instanceof APIGatewayV2HTTPEvent event
                ? Optional.of(event) : Optional.empty();
    }
}
