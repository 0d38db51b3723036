package dev.stowage.functions.ops;

import dev.stowage.domain.Result;
import dev.stowage.domain.ops.Operator;
import dev.stowage.domain.ops.ReportFilters;
import dev.stowage.domain.ops.ReportText;
import dev.stowage.domain.ops.RuntimeReport;
import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/** The operator's runtime report; only for tokens with the operator claim (stowage.ops.*). */
@ApiContract
@Controller("/v1/ops")
public class OpsController {
    private final RuntimeStatus status;

    public OpsController(RuntimeStatus status) {
        this.status = status;
    }

    @Get(uri = "/status", produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @ApiResponse(responseCode = "200", description = "Counts by state, oldest ages, drift, stuck work and residue"
            + " (format=text: the same as plain text)",
            content = @Content(schema = @Schema(implementation = OpsReportView.class)))
    public HttpResponse<?> opsStatus(@Parameter(hidden = true) Operator operator,
                                     @Nullable @QueryValue String profile, @Nullable @QueryValue String olderThan,
                                     @Nullable @QueryValue String limit, @Nullable @QueryValue String format) {
        Result<RuntimeReport> report = status.execute(operator, profile, olderThan, limit, format);
        if (report instanceof Result.Ok<RuntimeReport> ok && ok.value().filters().format() == ReportFilters.Format.TEXT) {
            return HttpResponse.ok(ReportText.render(ok.value())).contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        return Problems.respond(report, OpsReportView::of);
    }
}
