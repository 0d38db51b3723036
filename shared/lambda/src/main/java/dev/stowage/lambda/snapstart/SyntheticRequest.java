package dev.stowage.lambda.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import java.util.HashMap;
import java.util.Map;

/**
 * One API Gateway (HTTP API, payload 2.0) event a function answers before its SnapStart snapshot, and the status
 * that proves it went the whole way (routing, the caller's claims, JSON, the use case, the database) without
 * changing anything: a refusal by validation, or a read of an id nobody owns.
 *
 * @param method   HTTP method
 * @param path     raw path, without a query string
 * @param query    raw query string, empty for none
 * @param body     JSON body, empty for none
 * @param expected the status the function must answer; any other fails the snapshot
 */
public record SyntheticRequest(String method, String path, String query, String body, int expected) {

    /** The caller of every synthetic request: no row of a real principal is ever visible to it. */
    public static final String SUBJECT = "stowage-snapstart-priming";

    /** An id no row has: reads of it answer 404. */
    public static final String NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";

    public static SyntheticRequest of(String method, String path, String body, int expected) {
        return new SyntheticRequest(method, path, "", body, expected);
    }

    /** The event, shaped as API Gateway sends it with the JWT authorizer's claims. */
    public APIGatewayV2HTTPEvent event() {
        Map<String, String> headers = new HashMap<>();
        headers.put("accept", "application/json");
        if (!body.isEmpty()) {
            headers.put("content-type", "application/json");
        }
        RequestContext context = RequestContext.builder()
                .withHttp(RequestContext.Http.builder().withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                        .withSourceIp("127.0.0.1").withUserAgent("stowage-snapstart-priming").build())
                .withRouteKey(method + " " + path)
                .withRequestId("snapstart-priming")
                .withStage("$default")
                .withAuthorizer(RequestContext.Authorizer.builder()
                        .withJwt(RequestContext.Authorizer.JWT.builder().withClaims(Map.of("sub", SUBJECT)).build())
                        .build())
                .build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withRawQueryString(query)
                .withQueryStringParameters(query.isEmpty() ? null : parameters(query))
                .withHeaders(headers)
                .withRequestContext(context)
                .withBody(body.isEmpty() ? null : body)
                .withIsBase64Encoded(false)
                .build();
    }

    // The synthetic queries are plain name=value pairs; API Gateway hands them over decoded, as this map.
    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return parameters;
    }

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + expected;
    }
}
