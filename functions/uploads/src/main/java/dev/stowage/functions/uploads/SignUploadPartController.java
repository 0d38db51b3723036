package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.SignPartsRequest;
import dev.stowage.lambda.http.SignedPartView;
import dev.stowage.lambda.http.SignedPartsView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** {@code POST /v1/uploads/{id}/parts/{n}/url} and {@code .../parts/urls}: the presigned PUTs of parts. */
@ApiContract
@Controller("/v1/uploads")
public class SignUploadPartController {
    private final SignUploadPart signPart;

    public SignUploadPartController(SignUploadPart signPart) {
        this.signPart = signPart;
    }

    @Post("/{id}/parts/{n}/url")
    @ApiResponse(responseCode = "200", description = "The PUT of part `n`, exactly",
            content = @Content(schema = @Schema(implementation = SignedPartView.class)))
    public HttpResponse<?> signPart(Principal caller, UUID id, int n) {
        return Problems.respond(signPart.execute(caller, id, n), SignedPartView::of);
    }

    @Post("/{id}/parts/urls")
    @ApiResponse(responseCode = "200", description = "The PUTs of the parts named, in that order",
            content = @Content(schema = @Schema(implementation = SignedPartsView.class)))
    public HttpResponse<?> signParts(Principal caller, UUID id, @Body SignPartsRequest request) {
        return Problems.respond(signPart.executeAll(caller, id, request.numbers()), SignedPartsView::of);
    }
}
