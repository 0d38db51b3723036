package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.GetAsset;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.CompleteUploadRequest;
import dev.stowage.lambda.http.Problems;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.UUID;

/** {@code POST /v1/uploads/{id}/complete}: verify now, on the same lane as the S3 event; multipart names its parts. */
@ApiContract
@Controller("/v1/uploads")
public class CompleteUploadController {
    private final VerifyUpload verify;
    private final GetAsset assets;

    public CompleteUploadController(VerifyUpload verify, GetAsset assets) {
        this.verify = verify;
        this.assets = assets;
    }

    @Post("/{id}/complete")
    @ApiResponse(responseCode = "200", description = "The asset as verified",
            content = @Content(schema = @Schema(implementation = AssetView.class)))
    @ApiResponse(responseCode = "202", description = "Accepted and still being verified (a large upload is verified"
            + " by the S3 event's lane): poll GET /v1/uploads/{id} or the asset",
            content = @Content(schema = @Schema(implementation = AssetView.class)))
    // The body is bound by CompleteUploadRequestBinder (it may be absent), which the generator cannot see.
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = CompleteUploadRequest.class)))
    public HttpResponse<?> complete(Principal caller, UUID id, CompleteUploadRequest request) {
        Result<VerifyUpload.Verified> result = verify.complete(caller, id, request.toParts());
        if (result instanceof Result.Ok<VerifyUpload.Verified>(VerifyUpload.Verified v) && VerifyUpload.isInFlight(v)) {
            return HttpResponse.accepted().header(HttpHeaders.RETRY_AFTER, "2").body(AssetView.of(v.asset(), List.of()));
        }
        return Problems.respond(result, v -> AssetView.of(v.asset(), assets.variantsOf(v.asset())));
    }
}
