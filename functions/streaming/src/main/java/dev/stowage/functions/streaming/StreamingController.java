package dev.stowage.functions.streaming;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.streaming.ApplyProviderWebhook;
import dev.stowage.domain.streaming.CancelDirectUpload;
import dev.stowage.domain.streaming.CreateDirectUpload;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.RawBody;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Direct uploads to a streaming provider, and its webhooks: each route decodes, calls one use case, encodes. */
@ApiContract
@Controller("/v1/streaming")
public class StreamingController {
    private final CreateDirectUpload create;
    private final CancelDirectUpload cancel;
    private final ApplyProviderWebhook webhook;
    private final RawBody rawBody;

    public StreamingController(CreateDirectUpload create, CancelDirectUpload cancel, ApplyProviderWebhook webhook,
                               RawBody rawBody) {
        this.create = create;
        this.cancel = cancel;
        this.webhook = webhook;
        this.rawBody = rawBody;
    }

    @Post("/uploads")
    @ApiResponse(responseCode = "201", description = "Where the browser PUTs the bytes, and the asset they become",
            content = @Content(schema = @Schema(implementation = DirectUploadView.class)))
    @Operation(operationId = "createStreamingUpload")
    public HttpResponse<?> create(Principal caller, @Body CreateDirectUploadRequest request) {
        return Problems.respond(create.execute(caller, request.command()), HttpStatus.CREATED, DirectUploadView::of)
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store");
    }

    @Delete("/uploads/{assetId}")
    @ApiResponse(responseCode = "204", description = "Cancelled, or already over")
    @ApiResponse(responseCode = "409", description = "not_cancellable, with its reason",
            content = @Content(schema = @Schema(implementation = NotCancellableProblem.class)))
    @Operation(operationId = "cancelStreamingUpload")
    public HttpResponse<?> cancel(Principal caller, UUID assetId) {
        return switch (cancel.execute(caller, assetId)) {
            case Result.Ok<CancelDirectUpload.Outcome>(CancelDirectUpload.Outcome.Cancelled c) ->
                    HttpResponse.noContent();
            case Result.Ok<CancelDirectUpload.Outcome>(CancelDirectUpload.Outcome.NotCancellable n) ->
                    NotCancellableProblem.of(n);
            case Result.Err<CancelDirectUpload.Outcome> err -> Problems.problem(err.code(), err.detail());
        };
    }

    /** No caller: the provider's signature over the exact body is the authentication (no authorizer on AWS). */
    @Post("/webhooks/{provider}")
    @ApiResponse(responseCode = "200", description = "Applied, or acknowledged and ignored")
    @Operation(operationId = "streamingWebhook")
    public HttpResponse<?> webhook(String provider, HttpRequest<?> request) {
        Result<ApplyProviderWebhook.Applied> applied = webhook.execute(provider,
                Optional.ofNullable(request.getHeaders().get("Mux-Signature")), rawBody.bytesOf(request));
        return Problems.respond(applied, a -> Map.of("received", a.event(), "changed", a.changed()));
    }

}
