package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.CompleteUploadRequest;
import dev.stowage.lambda.http.Problems;
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

    public CompleteUploadController(VerifyUpload verify) {
        this.verify = verify;
    }

    @Post("/{id}/complete")
    @ApiResponse(responseCode = "200", description = "The asset as verified",
            content = @Content(schema = @Schema(implementation = AssetView.class)))
    // The body is bound by CompleteUploadRequestBinder (it may be absent), which the generator cannot see.
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = CompleteUploadRequest.class)))
    public HttpResponse<?> complete(Principal caller, UUID id, CompleteUploadRequest request) {
        return Problems.respond(verify.complete(caller, id, request.toParts()), v -> AssetView.of(v.asset(), List.of()));
    }
}
