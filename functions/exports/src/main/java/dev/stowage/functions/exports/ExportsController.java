package dev.stowage.functions.exports;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.export.DeleteExport;
import dev.stowage.domain.export.DownloadExport;
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
import java.util.Optional;
import java.util.UUID;

/** Exports over HTTP: each route decodes, calls one use case, encodes. */
@ApiContract
@Controller("/v1/exports")
public class ExportsController {
    private static final String NO_STORE = "private, no-store";

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
    @Operation(operationId = "createExport")
    public HttpResponse<?> create(Principal caller, @Body CreateExportRequest request) {
        var decoded = request.decode();
        if (decoded.problem() != null) {
            return Problems.problem(decoded.problem().startsWith("generator must")
                    ? ErrorCode.UNKNOWN_GENERATOR : ErrorCode.INVALID_FIELD, decoded.problem());
        }
        Result<GetExport.Found> made = create.execute(caller, decoded.command())
                .flatMap(e -> get.execute(caller, e.id()));
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
    @ApiResponse(responseCode = "200", description = "The export and, when ready, its download URL",
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
     * the same 404. The id is a string here so a malformed one is that same 404 too, not a 400.
     */
    @Get("/{id}/download")
    @ApiResponse(responseCode = "200", description = "The bytes (kept in the database)")
    @ApiResponse(responseCode = "303", description = "A presigned storage URL (kept in the bucket)")
    @Operation(operationId = "downloadExport")
    public HttpResponse<?> download(String id, @Nullable @QueryValue String token) {
        Optional<UUID> uuid = parse(id);
        Result<DownloadExport.Download> result = uuid.isEmpty()
                ? Result.err(ErrorCode.NOT_FOUND, "not found") : download.execute(uuid.get(), token);
        MutableHttpResponse<?> answer = switch (result) {
            case Result.Ok<DownloadExport.Download>(DownloadExport.Download.Bytes b) -> HttpResponse.ok(b.bytes())
                    .contentType(b.contentType())
                    .header(HttpHeaders.CONTENT_DISPOSITION, b.contentDisposition());
            case Result.Ok<DownloadExport.Download>(DownloadExport.Download.Redirect r) ->
                    HttpResponse.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, r.url().toString());
            case Result.Err<DownloadExport.Download> err -> Problems.problem(err.code(), err.detail());
        };
        return answer.header(HttpHeaders.CACHE_CONTROL, NO_STORE).header("X-Content-Type-Options", "nosniff");
    }

    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id)).filter(u -> u.toString().equals(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
