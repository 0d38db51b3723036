package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.GetUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.UploadView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** {@code GET /v1/uploads/{id}}: the session; for multipart, what storage holds. */
@ApiContract
@Controller("/v1/uploads")
public class GetUploadController {
    private final GetUpload get;

    public GetUploadController(GetUpload get) {
        this.get = get;
    }

    @Get("/{id}")
    @ApiResponse(responseCode = "200", description = "The session; for multipart, what storage holds",
            content = @Content(schema = @Schema(implementation = UploadView.class)))
    public HttpResponse<?> status(Principal caller, UUID id) {
        return Problems.respond(get.execute(caller, id), UploadView::of);
    }
}
