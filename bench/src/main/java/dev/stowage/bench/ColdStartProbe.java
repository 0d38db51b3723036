package dev.stowage.bench;

import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

/**
 * Cold start of the Stowage uploads function: run in a fresh JVM on the function's shaded jar, exactly as Lambda
 * would load it (no-arg handler constructor, configuration from environment variables), then answer one
 * {@code POST /v1/uploads} and one {@code POST /v1/uploads/{id}/url}.
 *
 * <p>Depends only on the JDK and on classes inside {@code stowage-function-uploads-*-lambda.jar}.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) {
        ColdStart.measure(APIGatewayV2HTTPEventFunction::new);
    }
}
