package dev.stowage.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * Cold start of the Stowage uploads function: run in a fresh JVM on the function's shaded jar, exactly as Lambda
 * would load it (no-arg handler constructor, configuration from environment variables), then answer one
 * {@code POST /v1/uploads} and one {@code POST /v1/uploads/{id}/url}.
 *
 * <p>The handler is template.yaml's, {@code dev.stowage.functions.uploads.UploadsFunction}, unless
 * {@code -Dbench.handler} names another (Micronaut's own, for a jar built before the uploads function had one).
 * Depends only on the JDK and on classes inside {@code stowage-function-uploads-*-lambda.jar}.
 */
public final class ColdStartProbe {
    static final String UPLOADS_FUNCTION = "dev.stowage.functions.uploads.UploadsFunction";

    private ColdStartProbe() {}

    public static void main(String[] args) {
        ColdStart.measure(() -> construct(System.getProperty("bench.handler", UPLOADS_FUNCTION)), handler -> { });
    }

    @SuppressWarnings("unchecked")
    static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> construct(String className) {
        try {
            return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) Class.forName(className)
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct the handler " + className, e);
        }
    }
}
