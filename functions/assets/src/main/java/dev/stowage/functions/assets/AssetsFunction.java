package dev.stowage.functions.assets;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.lambda.snapstart.PrimedApiFunction;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.List;

/** The assets Lambdas' handler: Micronaut's API Gateway function, primed on its routes before the SnapStart snapshot. */
public class AssetsFunction extends PrimedApiFunction {

    public AssetsFunction() {
    }

    public AssetsFunction(ApplicationContext context) {
        super(context);
    }

    // Reads and repairs of an asset nobody owns, an attachment lookup and an attach of that asset (both refused
    // before any write), and the caller's (empty) event feed.
    @Override
    protected List<SyntheticRequest> primingRequests() {
        String asset = "/v1/assets/" + SyntheticRequest.NO_SUCH_ID;
        String slot = "/v1/owners/post/snapstart-priming/slots/cover";
        return List.of(
                SyntheticRequest.of("GET", asset, "", 404),
                SyntheticRequest.of("GET", asset + "/url", "", 404),
                SyntheticRequest.of("POST", asset + "/reprobe", "", 404),
                SyntheticRequest.of("POST", asset + "/variants/requeue", "{}", 404),
                SyntheticRequest.of("POST", asset + "/processing/cancel", "", 404),
                SyntheticRequest.of("GET", slot, "", 404),
                SyntheticRequest.of("PUT", slot, "{\"assetId\":\"" + SyntheticRequest.NO_SUCH_ID + "\"}", 404),
                SyntheticRequest.of("GET", "/v1/events", "", 200));
    }

    // Signing a delivery URL and probing are local work (nothing leaves the JVM); an asset that could reach them would
    // be a write. A reprobe probes.
    @Override
    protected List<String> primeLocalWork(ApplicationContext context) {
        context.getBean(ObjectStore.class).presignGet("assets/snapstart-priming", Duration.ofMinutes(1));
        return List.of("presign GET", SnapStartPriming.probeSample(context));
    }
}
