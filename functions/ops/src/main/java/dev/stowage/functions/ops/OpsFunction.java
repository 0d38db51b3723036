package dev.stowage.functions.ops;

import dev.stowage.lambda.snapstart.PrimedApiFunction;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import java.util.List;

/** The ops Lambda's handler: Micronaut's API Gateway function, primed on its routes before the SnapStart snapshot. */
public class OpsFunction extends PrimedApiFunction {

    public OpsFunction() {
    }

    public OpsFunction(ApplicationContext context) {
        super(context);
    }

    // Refused for want of the operator claim: routing, the binder and the problem JSON are primed, the report's
    // queries are not (an operator's rare diagnostic; over a large database they take seconds).
    @Override
    protected List<SyntheticRequest> primingRequests() {
        return List.of(SyntheticRequest.of("GET", "/v1/ops/status", "", 403));
    }
}
