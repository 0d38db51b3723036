package dev.stowage.functions.exports;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.export.DeleteExport;
import dev.stowage.domain.export.DownloadExport;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.export.GetExport;
import dev.stowage.domain.export.ListExports;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** Exports over HTTP: each route decodes, calls one use case, encodes. */
@ApiContract
@Controller("/v1/exports")
public class ExportsController {
    private static final String NO_STORE = "private, no-store";
    /** Seconds a client waits before polling a queued export: the worker starts within about that. */
    static final String POLL_AFTER_SECONDS = "5";

    private final CreateExport create;
    private final GetExport get;
    private final ListExports list;
    private final DeleteExport delete;
    private final DownloadExport download;

    public ExportsController(CreateExport create, GetExport get, ListExports list, DeleteExport delete,
                             DownloadExport download) {
        this.create = create;
        this.get = get;
        this.list = list;
        this.delete = delete;
        this.download = download;
    }

    @Post
    @ApiResponse(responseCode = "201", description = "The export, ready, with its download URL",
            content = @Content(schema = @Schema(implementation = ExportView.class)))
    @ApiResponse(responseCode = "202", description = "The export, pending: queued for the export-worker; poll"
            + " the Location (GET /v1/exports/{id}) after Retry-After seconds until it is ready or failed",
            content = @Content(schema = @Schema(implementation = ExportView.class)))
    @Operation(operationId = "createExport")
    public HttpResponse<?> create(Principal caller, @Body CreateExportRequest request) {
        // Links must be signable before anything is created: a 503 after the row exists would make the
        // client's retry a second export.
        Result<GetExport.Found> made = request.decode()
                .flatMap(command -> get.signer().flatMap(signer -> create.execute(caller, command)))
                .flatMap(e -> get.execute(caller, e.id()));
        if (made instanceof Result.Ok<GetExport.Found>(GetExport.Found found)
                && found.export().state() == ExportState.PENDING) {
            return HttpResponse.status(HttpStatus.ACCEPTED).body(ExportView.of(found))
                    .header(HttpHeaders.LOCATION, "/v1/exports/" + found.export().id())
                    .header(HttpHeaders.RETRY_AFTER, POLL_AFTER_SECONDS)
                    .header(HttpHeaders.CACHE_CONTROL, NO_STORE);
        }
        return Problems.respond(made, HttpStatus.CREATED, ExportView::of).header(HttpHeaders.CACHE_CONTROL, NO_STORE);
    }

    @Get
    @ApiResponse(responseCode = "200", description = "The caller's exports, newest first (one page)",
            content = @Content(schema = @Schema(implementation = ExportView.Page.class)))
    @Operation(operationId = "listExports")
    public HttpResponse<?> list(Principal caller) {
        return Problems.respond(list.execute(caller), l -> new ExportView.Page(l.stream().map(ExportView::of).toList()))
                .header(HttpHeaders.CACHE_CONTROL, NO_STORE);
    }

    @Get("/{id}")
    @ApiResponse(responseCode = "200", description = "The export and, when ready, its download URL; when"
            + " failed, its failureReason",
            content = @Content(schema = @Schema(implementation = ExportView.class)))
    @Operation(operationId = "getExport")
    public HttpResponse<?> get(Principal caller, UUID id) {
        return Problems.respond(get.execute(caller, id), ExportView::of).header(HttpHeaders.CACHE_CONTROL, NO_STORE);
    }

    @Delete("/{id}")
    @ApiResponse(responseCode = "204", description = "Deleted: its stored object first, then the record")
    @Operation(operationId = "deleteExport")
    public HttpResponse<?> delete(Principal caller, UUID id) {
        return Problems.respond(delete.execute(caller, id), HttpStatus.NO_CONTENT, deleted -> null);
    }

    /**
     * No caller: the token is the authentication (API Gateway's route has no authorizer). Every refusal is
     * the same 404. The id is a string here so a malformed one is that same 404 too (the use case decides), not a
     * 400.
     */
    @Get("/{id}/download")
    @ApiResponse(responseCode = "200", description = "The bytes (kept in the database)")
    @ApiResponse(responseCode = "303", description = "A presigned storage URL (kept in the bucket)")
    @Operation(operationId = "downloadExport")
    public HttpResponse<?> download(String id, @Nullable @QueryValue String token) {
        MutableHttpResponse<?> answer = switch (download.execute(id, token)) {
            case Result.Ok<DownloadExport.Download>(DownloadExport.Download.Bytes b) -> HttpResponse.ok(b.bytes())
                    .contentType(b.contentType())
                    .header(HttpHeaders.CONTENT_DISPOSITION, b.contentDisposition());
            case Result.Ok<DownloadExport.Download>(DownloadExport.Download.Redirect r) ->
                    HttpResponse.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, r.url().toString());
            case Result.Err<DownloadExport.Download> err -> Problems.problem(err.code(), err.detail());
        };
        return answer.header(HttpHeaders.CACHE_CONTROL, NO_STORE).header("X-Content-Type-Options", "nosniff");
    }
}
