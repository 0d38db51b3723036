package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.lambda.http.InitiateUploadRequest;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.UploadView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

/** {@code POST /v1/uploads}: opens a direct, multipart or resumable session. */
@Controller("/v1/uploads")
public class InitiateUploadController {
    private final InitiateUpload initiate;

    public InitiateUploadController(InitiateUpload initiate) {
        this.initiate = initiate;
    }

    @Post
    public HttpResponse<?> initiate(Principal caller, @Body InitiateUploadRequest request) {
        return Problems.respond(initiate.execute(caller, request.toCommand()), HttpStatus.CREATED, UploadView::of);
    }
}
