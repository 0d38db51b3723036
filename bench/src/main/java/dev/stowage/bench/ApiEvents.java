package dev.stowage.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two API Gateway (HTTP API, payload 2.0) events both cold-start probes send, shaped like
 * {@code events/api-initiate-upload.json}: the JWT authorizer's claims carry the caller's {@code sub}.
 *
 * <p>Only JDK and {@code aws-lambda-java-events} classes: this runs on the uploads function's shaded jar and on
 * the plain handler's minimal classpath alike.
 */
final class ApiEvents {
    static final String SUBJECT = "bench-user";
    static final String FILENAME = "landscape.jpg";
    static final long BYTE_SIZE = 31155;
    static final String INITIATE_BODY = "{\"profile\":\"image\",\"filename\":\"" + FILENAME
            + "\",\"contentType\":\"image/jpeg\",\"byteSize\":" + BYTE_SIZE + ",\"strategy\":\"direct\"}";

    private static final Pattern FIRST_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    private ApiEvents() {}

    static APIGatewayV2HTTPEvent initiate() {
        return post("/v1/uploads", INITIATE_BODY);
    }

    static APIGatewayV2HTTPEvent sign(String sessionId) {
        return post("/v1/uploads/" + sessionId + "/url", "");
    }

    static APIGatewayV2HTTPEvent post(String path, String body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        var context = RequestContext.builder()
                .withHttp(RequestContext.Http.builder().withMethod("POST").withPath(path)
                        .withProtocol("HTTP/1.1").withSourceIp("203.0.113.7").build())
                .withRouteKey("POST " + path)
                .withStage("$default")
                .withRequestId("bench")
                .withAuthorizer(RequestContext.Authorizer.builder()
                        .withJwt(RequestContext.Authorizer.JWT.builder()
                                .withClaims(Map.of("sub", SUBJECT, "iss", "https://issuer.example.com/"))
                                .build())
                        .build());
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("POST " + path)
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(headers)
                .withRequestContext(context.build())
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    /** The body of an answer with the expected status; anything else ends the probe with a non-zero exit. */
    static String expect(APIGatewayV2HTTPResponse response, int status, String what) {
        String body = response.getBody() == null ? ""
                : response.getIsBase64Encoded() ? new String(Base64.getDecoder().decode(response.getBody()))
                : response.getBody();
        if (response.getStatusCode() != status) {
            throw new IllegalStateException(what + " answered " + response.getStatusCode() + " (expected " + status
                    + "): " + body);
        }
        return body;
    }

    /** The first {@code "id"} of a JSON body: the session id of an upload view. */
    static String firstId(String json) {
        Matcher m = FIRST_ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + json);
        }
        return m.group(1);
    }

    static void requireSignedPut(String json) {
        if (!json.contains("\"url\"") || !json.contains("X-Amz-Signature") || !json.contains("\"PUT\"")) {
            throw new IllegalStateException("not a presigned PUT: " + json);
        }
    }
}
