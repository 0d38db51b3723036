package dev.stowage.functions.uploads;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.lambda.snapstart.PrimedApiFunction;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The uploads Lambdas' handler: Micronaut's API Gateway function, primed on every route before the snapshot. */
public class UploadsFunction extends PrimedApiFunction {
    private static final String SESSION = "/v1/uploads/" + SyntheticRequest.NO_SUCH_ID;

    public UploadsFunction() {
    }

    public UploadsFunction(ApplicationContext context) {
        super(context);
    }

    // An initiate refused for its size (after the profile, name and type were admitted), reads of a session nobody
    // owns and a refused proxied upload: routing, claims, JSON both ways, the use cases and their SELECTs, and not
    // one write.
    @Override
    protected List<SyntheticRequest> primingRequests() {
        return List.of(
                SyntheticRequest.of("POST", "/v1/uploads", """
                        {"profile":"image","filename":"priming.jpg","contentType":"image/jpeg","byteSize":0,\
                        "strategy":"direct"}""", 422),
                SyntheticRequest.of("POST", SESSION + "/url", "", 404),
                SyntheticRequest.of("POST", SESSION + "/parts/1/url", "", 404),
                SyntheticRequest.of("GET", SESSION, "", 404),
                SyntheticRequest.of("POST", SESSION + "/complete", "", 404),
                SyntheticRequest.of("DELETE", SESSION, "", 404),
                // A proxied upload of a type the profile refuses: admitted no further, stored nowhere.
                new SyntheticRequest("POST", "/v1/uploads/proxied", "profile=image&filename=priming.json", "{}", 422));
    }

    // Signing and probing are local work (no request leaves the JVM); a session that could reach them would be a
    // write. complete and a proxied upload probe inline.
    @Override
    protected List<String> primeLocalWork(ApplicationContext context) {
        context.getBean(ObjectStore.class).presignPut(new ObjectStore.PutSpec("staging/snapstart-priming",
                "image/jpeg", 1, Optional.empty(), Duration.ofMinutes(1)));
        return List.of("presign PUT", SnapStartPriming.probeSample(context));
    }
}
