package dev.stowage.functions.stagedfiles;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.stagedfile.CleanupStagedFiles;
import dev.stowage.domain.stagedfile.DeleteStagedFile;
import dev.stowage.domain.stagedfile.FindStagedFiles;
import dev.stowage.domain.stagedfile.ResetStagedFiles;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.StageFileRequest;
import dev.stowage.lambda.http.StagedFileView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** The caller's staged-file registry: stage by checksum (deduplicated), read, delete, clean up, reset. */
@ApiContract
@Controller("/v1/staged-files")
public class StagedFilesController {
    private final StageFile stage;
    private final FindStagedFiles find;
    private final DeleteStagedFile delete;
    private final CleanupStagedFiles cleanup;
    private final ResetStagedFiles reset;

    public StagedFilesController(StageFile stage, FindStagedFiles find, DeleteStagedFile delete,
                                 CleanupStagedFiles cleanup, ResetStagedFiles reset) {
        this.stage = stage;
        this.find = find;
        this.delete = delete;
        this.cleanup = cleanup;
        this.reset = reset;
    }

    /** The caller's entry with its TTL slid forward when storage holds its bytes; else pending, with a PUT. */
    @Post
    @ApiResponse(responseCode = "200", description = "The entry, and the upload to make if `uploadRequired`",
            content = @Content(schema = @Schema(implementation = StagedFileView.Staged.class)))
    public HttpResponse<?> stageFile(Principal caller, @Body StageFileRequest request) {
        return Problems.respond(stage.execute(caller, request.toCommand()), StagedFileView.Staged::of);
    }

    @Get
    @ApiResponse(responseCode = "200", description = "A page of the caller's entries, oldest first",
            content = @Content(schema = @Schema(implementation = StagedFileView.Page.class)))
    public HttpResponse<?> listStagedFiles(Principal caller, @Nullable @QueryValue Integer limit,
                                @Nullable @QueryValue String cursor) {
        return Problems.respond(find.list(caller, limit, cursor), StagedFileView.Page::of);
    }

    @Get("/metrics")
    @ApiResponse(responseCode = "200", description = "Counts and bytes; when the soonest entry expires",
            content = @Content(schema = @Schema(implementation = StagedFileView.Metrics.class)))
    public HttpResponse<?> stagedFileMetrics(Principal caller) {
        return Problems.respond(Result.ok(find.metrics(caller)), StagedFileView.Metrics::of);
    }

    /** The caller's expired entries, now rather than at the purger's next run. */
    @Post("/cleanup")
    @ApiResponse(responseCode = "200", description = "What the pass removed",
            content = @Content(schema = @Schema(implementation = StagedFileView.Removed.class)))
    public HttpResponse<?> cleanupStagedFiles(Principal caller) {
        return Problems.respond(Result.ok(cleanup.execute(caller)), StagedFileView.Removed::of);
    }

    /** Every entry of the caller's, persisted ones too. */
    @Post("/reset")
    @ApiResponse(responseCode = "200", description = "What the reset removed",
            content = @Content(schema = @Schema(implementation = StagedFileView.Removed.class)))
    public HttpResponse<?> resetStagedFiles(Principal caller) {
        return Problems.respond(Result.ok(reset.execute(caller)), StagedFileView.Removed::of);
    }

    @Get("/{id}")
    @ApiResponse(responseCode = "200", description = "The entry",
            content = @Content(schema = @Schema(implementation = StagedFileView.class)))
    public HttpResponse<?> getStagedFile(Principal caller, UUID id) {
        return Problems.respond(find.get(caller, id), StagedFileView::of);
    }

    @Delete("/{id}")
    @ApiResponse(responseCode = "200", description = "The entry removed (its object too, if nothing else uses it)",
            content = @Content(schema = @Schema(implementation = StagedFileView.class)))
    public HttpResponse<?> deleteStagedFile(Principal caller, UUID id) {
        return Problems.respond(delete.execute(caller, id), StagedFileView::of);
    }
}
