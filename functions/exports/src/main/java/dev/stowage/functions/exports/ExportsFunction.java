package dev.stowage.functions.exports;

import dev.stowage.lambda.snapstart.PrimedApiFunction;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import java.util.List;

/** The exports Lambdas' handler: Micronaut's API Gateway function, primed on its routes before the SnapStart snapshot. */
public class ExportsFunction extends PrimedApiFunction {

    public ExportsFunction() {
    }

    public ExportsFunction(ApplicationContext context) {
        super(context);
    }

    // A create refused by validation, the caller's (empty) list, a read of an export nobody owns and a download
    // with a token that signs nothing.
    @Override
    protected List<SyntheticRequest> primingRequests() {
        String export = "/v1/exports/" + SyntheticRequest.NO_SUCH_ID;
        return List.of(
                SyntheticRequest.of("POST", "/v1/exports", "{\"generator\":\"no-such-generator\"}", 422),
                SyntheticRequest.of("GET", "/v1/exports", "", 200),
                SyntheticRequest.of("GET", export, "", 404),
                new SyntheticRequest("GET", export + "/download", "token=snapstart-priming", "", 404));
    }
}
