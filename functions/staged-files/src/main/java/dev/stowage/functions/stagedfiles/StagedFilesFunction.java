package dev.stowage.functions.stagedfiles;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.lambda.snapstart.PrimedApiFunction;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The staged-files Lambdas' handler: Micronaut's API Gateway function, primed on its routes before the SnapStart snapshot. */
public class StagedFilesFunction extends PrimedApiFunction {

    public StagedFilesFunction() {
    }

    public StagedFilesFunction(ApplicationContext context) {
        super(context);
    }

    // A stage refused by validation, the caller's (empty) list and metrics, and a read of an entry nobody owns.
    @Override
    protected List<SyntheticRequest> primingRequests() {
        return List.of(
                SyntheticRequest.of("POST", "/v1/staged-files", """
                        {"checksumSha256":"not-a-checksum","name":"priming.bin","size":1}""", 422),
                SyntheticRequest.of("GET", "/v1/staged-files", "", 200),
                SyntheticRequest.of("GET", "/v1/staged-files/metrics", "", 200),
                SyntheticRequest.of("GET", "/v1/staged-files/" + SyntheticRequest.NO_SUCH_ID, "", 404));
    }

    // Signing the upload URL a new entry gets is local work; an entry that could reach it would be a write.
    @Override
    protected List<String> primeLocalWork(ApplicationContext context) {
        context.getBean(ObjectStore.class).presignPut(new ObjectStore.PutSpec("staged-files/snapstart-priming",
                "application/octet-stream", 1, Optional.empty(), Duration.ofMinutes(1)));
        return List.of("presign PUT");
    }
}
