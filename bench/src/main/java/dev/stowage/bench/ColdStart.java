package dev.stowage.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every cold-start probe does in its fresh JVM: build the handler as Lambda would, answer
 * {@code POST /v1/uploads} (201) and {@code POST /v1/uploads/{id}/url} (200), report the clock, exit.
 */
final class ColdStart {
    private ColdStart() {}

    /** {@code beforeReady} runs after construction and before the clock's "ready" (a SnapStart hook, say). */
    static void measure(Supplier<RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> construct,
                        Consumer<RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> beforeReady) {
        ProbeClock clock = new ProbeClock();
        try {
            var handler = construct.get();
            beforeReady.accept(handler);
            clock.ready();
            String created = ApiEvents.expect(handler.handleRequest(ApiEvents.initiate(), null), 201,
                    "POST /v1/uploads");
            clock.first();
            String signed = ApiEvents.expect(handler.handleRequest(ApiEvents.sign(ApiEvents.firstId(created)), null),
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
