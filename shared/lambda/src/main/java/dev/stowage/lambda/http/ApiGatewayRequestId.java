package dev.stowage.lambda.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.servlet.http.ServletHttpRequest;
import jakarta.inject.Singleton;

/** On AWS: API Gateway's request id, the one its access logs and X-Ray traces carry. */
@Singleton
@Requires(classes = {ServletHttpRequest.class, APIGatewayV2HTTPEvent.class})
public class ApiGatewayRequestId implements RequestId {
    private final RequestId.FromServer fallback = new RequestId.FromServer();

    @Override
    public String of(HttpRequest<?> request) {
        return ApiGatewayEvents.of(request)
                .map(APIGatewayV2HTTPEvent::getRequestContext)
                .map(APIGatewayV2HTTPEvent.RequestContext::getRequestId)
                .orElseGet(() -> fallback.of(request));
    }
}
