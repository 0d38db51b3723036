package dev.stowage.testkit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Drives an HTTP function the way API Gateway does: an HTTP API v2 event with the authorizer's claims. */
public final class ApiGatewayClient {
    private final APIGatewayV2HTTPEventFunction function;
    private final JsonMapper json;

    public ApiGatewayClient(APIGatewayV2HTTPEventFunction function) {
        this.function = function;
        this.json = function.getApplicationContext().getBean(JsonMapper.class);
    }

    public record Reply(int status, Map<String, String> headers, String body, JsonMapper json) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> map() {
            try {
                return json.readValue(body, Map.class);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        public String string(String field) {
            return (String) map().get(field);
        }

        public String contentType() {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("content-type"))
                    .map(Map.Entry::getValue).findFirst().orElse("");
        }
    }

    public Reply send(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse r = function.handleRequest(event, null);
        String body = r.getBody() == null ? "" : r.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(r.getBody())) : r.getBody();
        return new Reply(r.getStatusCode(), r.getHeaders() == null ? Map.of() : r.getHeaders(), body, json);
    }

    /** {@code path} may carry a query string, which API Gateway hands over apart from the path. */
    public Reply call(String subject, String method, String path, String jsonBody) {
        int q = path.indexOf('?');
        return send(event(subject, method, q < 0 ? path : path.substring(0, q), q < 0 ? "" : path.substring(q + 1),
                "application/json", jsonBody, false));
    }

    /** As {@link #call}, with these claims from the authorizer (a token's {@code sub} and {@code scope}, say). */
    public Reply callWithClaims(Map<String, String> claims, String method, String path) {
        int q = path.indexOf('?');
        APIGatewayV2HTTPEvent event = event(null, method, q < 0 ? path : path.substring(0, q),
                q < 0 ? "" : path.substring(q + 1), "application/json", "", false);
        event.getRequestContext().setAuthorizer(RequestContext.Authorizer.builder()
                .withJwt(RequestContext.Authorizer.JWT.builder().withClaims(claims).build()).build());
        return send(event);
    }

    public APIGatewayV2HTTPEvent event(String subject, String method, String path, String query, String contentType,
                                String body, boolean base64) {
        Map<String, String> headers = new HashMap<>();
        if (body != null && !body.isEmpty()) {
            headers.put("content-type", contentType); // as curl does: no body, no Content-Type
        }
        headers.put("accept", "application/json");
        var context = RequestContext.builder()
                .withHttp(RequestContext.Http.builder().withMethod(method).withPath(path).build())
                .withRouteKey(method + " " + path)
                .withRequestId(java.util.UUID.randomUUID().toString()) // API Gateway gives every request one
                .withStage("$default");
        if (subject != null) {
            context.withAuthorizer(RequestContext.Authorizer.builder()
                    .withJwt(RequestContext.Authorizer.JWT.builder().withClaims(Map.of("sub", subject)).build())
                    .build());
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withRawQueryString(query)
                .withQueryStringParameters(queryParameters(query))
                .withHeaders(headers)
                .withRequestContext(context.build())
                .withBody(body)
                .withIsBase64Encoded(base64)
                .build();
    }

    /** As API Gateway decodes them: repeated names joined with commas. */
    private static Map<String, String> queryParameters(String query) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                        java.nio.charset.StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8);
                parameters.merge(name, value, (a, b) -> a + "," + b);
            }
        }
        return parameters.isEmpty() ? null : parameters;
    }

    public <T> T decode(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
