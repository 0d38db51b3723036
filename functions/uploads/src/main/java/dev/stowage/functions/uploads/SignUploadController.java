package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.SignedUploadView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** {@code POST /v1/uploads/{id}/url}: the presigned PUT of a direct session. */
@ApiContract
@Controller("/v1/uploads")
public class SignUploadController {
    private final SignUpload sign;

    public SignUploadController(SignUpload sign) {
        this.sign = sign;
    }

    @Post("/{id}/url")
    @ApiResponse(responseCode = "200", description = "The PUT to send, exactly",
            content = @Content(schema = @Schema(implementation = SignedUploadView.class)))
    public HttpResponse<?> sign(Principal caller, UUID id) {
        return Problems.respond(sign.execute(caller, id), SignedUploadView::of);
    }
}
