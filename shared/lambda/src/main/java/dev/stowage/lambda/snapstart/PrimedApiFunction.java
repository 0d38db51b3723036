package dev.stowage.lambda.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.env.Environment;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * Micronaut's API Gateway v2 handler, primed for SnapStart: each HTTP function module extends it with the
 * synthetic requests its routes answer without side effects, and names the subclass as its Lambda handler.
 *
 * <p>Its context builds a singleton when something first needs it, not all of them as it starts (Micronaut's
 * default on Lambda): a function then never builds the beans of routes it does not serve, and on SnapStart the
 * priming requests build, before the snapshot, exactly the beans the routes use. Configuration records and
 * {@code @Context} beans are still built at start-up, so a bad setting still stops the function then.
 */
public abstract class PrimedApiFunction extends APIGatewayV2HTTPEventFunction {

    private final SnapStartPriming priming;

    /** As Lambda constructs the handler. */
    protected PrimedApiFunction() {
        super();
        this.priming = register();
    }

    /** With a context of the caller's (tests). */
    protected PrimedApiFunction(ApplicationContext context) {
        super(context);
        this.priming = register();
    }

    /** The requests that prime this function's routes; each must answer its expected status and change nothing. */
    protected abstract List<SyntheticRequest> primingRequests();

    /**
     * Work a request cannot reach without a side effect but that costs no network either (signing a URL, probing
     * bytes held in memory); what it did, a line each, for the hook's list.
     */
    protected List<String> primeLocalWork(ApplicationContext context) {
        return List.of();
    }

    /** The hook Lambda calls around the snapshot; tests call it directly. */
    public SnapStartPriming priming() {
        return priming;
    }

    // Micronaut's Lambda builder (LambdaApplicationContextBuilder) less its eager singletons: the flag it sets
    // cannot be taken back on that builder (eagerInitSingletons(false) leaves @Singleton among the eager
    // annotations), so this is its configuration without it.
    @Override
    protected ApplicationContextBuilder newApplicationContextBuilder() {
        return ApplicationContext.builder().environments(Environment.FUNCTION, "lambda").eagerInitConfiguration(true);
    }

    private SnapStartPriming register() {
        List<SyntheticRequest> requests = List.copyOf(primingRequests());
        return SnapStartPriming.register(getApplicationContext(), () -> {
            List<String> answered = new ArrayList<>();
            for (SyntheticRequest request : requests) {
                APIGatewayV2HTTPResponse answer = handleRequest(request.event(), null);
                if (answer.getStatusCode() != request.expected()) {
                    throw new IllegalStateException("SnapStart priming: " + request + " answered "
                            + answer.getStatusCode() + ": " + answer.getBody());
                }
                answered.add(request.method() + " " + request.path() + " " + answer.getStatusCode());
            }
            answered.addAll(primeLocalWork(getApplicationContext()));
            return answered;
        });
    }
}
