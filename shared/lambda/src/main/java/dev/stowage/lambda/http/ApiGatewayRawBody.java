package dev.stowage.lambda.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.servlet.http.ServletHttpRequest;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * On AWS the body is read from the API Gateway event itself: the proxy parses JSON bodies eagerly and
 * refuses an absent one, so neither "no body" nor the exact text is available through it.
 */
@Singleton
@Requires(classes = {ServletHttpRequest.class, APIGatewayV2HTTPEvent.class})
public class ApiGatewayRawBody implements RawBody {
    private final RawBody.FromServer fallback = new RawBody.FromServer();

    @Override
    public String of(HttpRequest<?> request) {
        return ApiGatewayEvents.of(request).map(ApiGatewayRawBody::bodyOf).orElseGet(() -> fallback.of(request));
    }

    @Override
    public byte[] bytesOf(HttpRequest<?> request) {
        return ApiGatewayEvents.of(request).map(ApiGatewayRawBody::bytesOf).orElseGet(() -> fallback.bytesOf(request));
    }

    private static byte[] bytesOf(APIGatewayV2HTTPEvent event) {
        if (event.getBody() == null) {
            return new byte[0];
        }
        return event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody())
                : event.getBody().getBytes(StandardCharsets.UTF_8);
    }

    private static String bodyOf(APIGatewayV2HTTPEvent event) {
        if (event.getBody() == null) {
            return "";
        }
        return event.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8)
                : event.getBody();
    }
}
