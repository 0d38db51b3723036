package dev.stowage.functions.streaming;

import dev.stowage.lambda.snapstart.PrimedApiFunction;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import java.util.List;

/** The streaming Lambdas' handler: Micronaut's API Gateway function, primed on its routes before the SnapStart snapshot. */
public class StreamingFunction extends PrimedApiFunction {

    public StreamingFunction() {
    }

    public StreamingFunction(ApplicationContext context) {
        super(context);
    }

    // A create refused for a profile that does not stream (before Mux is asked), a cancel of an upload nobody owns
    // and a webhook without a signature: no write, no call to Mux.
    @Override
    protected List<SyntheticRequest> primingRequests() {
        return List.of(
                SyntheticRequest.of("POST", "/v1/streaming/uploads", "{\"profile\":\"image\"}", 422),
                SyntheticRequest.of("DELETE", "/v1/streaming/uploads/" + SyntheticRequest.NO_SUCH_ID, "", 404),
                SyntheticRequest.of("POST", "/v1/streaming/webhooks/mux", "{}", 401));
    }
}
