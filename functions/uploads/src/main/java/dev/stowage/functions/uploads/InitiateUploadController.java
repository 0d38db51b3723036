package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.InitiateUploadRequest;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.UploadView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/** {@code POST /v1/uploads}: opens a direct, multipart or resumable session. */
@ApiContract
@Controller("/v1/uploads")
public class InitiateUploadController {
    private final InitiateUpload initiate;

    public InitiateUploadController(InitiateUpload initiate) {
        this.initiate = initiate;
    }

    @Post
    @ApiResponse(responseCode = "201", description = "The session, opened; `assetId` names the asset it becomes",
            content = @Content(schema = @Schema(implementation = UploadView.class)))
    public HttpResponse<?> initiate(Principal caller, @Body InitiateUploadRequest request) {
        return Problems.respond(initiate.execute(caller, request.toCommand()), HttpStatus.CREATED, UploadView::of);
    }
}
