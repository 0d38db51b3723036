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
        ProbeClock clock = new ProbeClock();
        try {
            APIGatewayV2HTTPEventFunction function = new APIGatewayV2HTTPEventFunction();
            clock.ready();
            String created = ApiEvents.expect(function.handleRequest(ApiEvents.initiate(), null), 201,
                    "POST /v1/uploads");
            clock.first();
            String signed = ApiEvents.expect(function.handleRequest(ApiEvents.sign(ApiEvents.firstId(created)), null),
                    200, "POST /v1/uploads/{id}/url");
            clock.second();
            ApiEvents.requireSignedPut(signed);
            clock.report();
        } catch (Throwable e) {
            e.printStackTrace();
            System.out.flush();
            System.exit(1);
        }
        // Lambda freezes the process instead; exit runs the hooks that write a CDS archive or AOT cache.
        System.exit(0);
    }
}
