package dev.stowage.lambda.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.servlet.http.ServletHttpRequest;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/**
 * On AWS: the HTTP API's JWT authorizer has already validated the token; the caller is its {@code sub}
 * claim, read from the event's request context with the token's other claims. The function never parses
 * tokens itself.
 */
@Singleton
@Requires(classes = {ServletHttpRequest.class, APIGatewayV2HTTPEvent.class})
public class AuthorizerCallerResolver implements CallerResolver {

    @Override
    public Optional<String> subject(HttpRequest<?> request) {
        return Optional.ofNullable(claims(request).get("sub")).filter(sub -> !sub.isBlank());
    }

    @Override
    public Map<String, String> claims(HttpRequest<?> request) {
        return ApiGatewayEvents.of(request)
                .map(APIGatewayV2HTTPEvent::getRequestContext)
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getJwt)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT::getClaims)
                .orElse(Map.of());
    }
}
