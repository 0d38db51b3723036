package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.UploadView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** {@code DELETE /v1/uploads/{id}}: cancel, idempotently. */
@ApiContract
@Controller("/v1/uploads")
public class CancelUploadController {
    private final CancelUpload cancel;

    public CancelUploadController(CancelUpload cancel) {
        this.cancel = cancel;
    }

    @Delete("/{id}")
    @ApiResponse(responseCode = "200", description = "The session, cancelled (or already so)",
            content = @Content(schema = @Schema(implementation = UploadView.class)))
    public HttpResponse<?> cancel(Principal caller, UUID id) {
        return Problems.respond(cancel.execute(caller, id), UploadView::of);
    }
}
