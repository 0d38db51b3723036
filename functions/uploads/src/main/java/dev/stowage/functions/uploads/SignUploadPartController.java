package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.SignedPartView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.util.UUID;

/** {@code POST /v1/uploads/{id}/parts/{n}/url}: the presigned PUT of one part. */
@Controller("/v1/uploads")
public class SignUploadPartController {
    private final SignUploadPart signPart;

    public SignUploadPartController(SignUploadPart signPart) {
        this.signPart = signPart;
    }

    @Post("/{id}/parts/{n}/url")
    public HttpResponse<?> signPart(Principal caller, UUID id, int n) {
        return Problems.respond(signPart.execute(caller, id, n), SignedPartView::of);
    }
}
