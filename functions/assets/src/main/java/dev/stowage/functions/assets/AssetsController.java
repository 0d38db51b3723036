package dev.stowage.functions.assets;

import dev.stowage.domain.Principal;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.asset.GetAsset;
import dev.stowage.domain.asset.ReprobeAsset;
import dev.stowage.domain.variant.CancelProcessing;
import dev.stowage.domain.variant.RequeueVariants;
import dev.stowage.domain.delivery.DeliverAsset;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.DeliveryView;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.RepairViews;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Optional;
import java.util.UUID;

/** Assets over HTTP: each route decodes, calls one use case, encodes. */
@ApiContract
@Controller("/v1/assets")
public class AssetsController {
    private final GetAsset getAsset;
    private final DeliverAsset deliver;
    private final ReprobeAsset reprobe;
    private final RequeueVariants requeue;
    private final CancelProcessing cancel;

    public AssetsController(GetAsset getAsset, DeliverAsset deliver, ReprobeAsset reprobe, RequeueVariants requeue,
                            CancelProcessing cancel) {
        this.getAsset = getAsset;
        this.deliver = deliver;
        this.reprobe = reprobe;
        this.requeue = requeue;
        this.cancel = cancel;
    }

    @Get("/{id}")
    @ApiResponse(responseCode = "200", description = "The asset: state, probed metadata, variants",
            content = @Content(schema = @Schema(implementation = AssetView.class)))
    public HttpResponse<?> get(Principal caller, UUID id) {
        return Problems.respond(getAsset.execute(caller, id), a -> AssetView.of(a.asset(), a.variants()));
    }

    /**
     * A delivery URL, never the bytes. The answer is {@code private, no-store}: a cached copy would hand
     * out the URL after it expired.
     */
    @Get("/{id}/url")
    @ApiResponse(responseCode = "200", description = "A URL to the original or a variant, and what it serves",
            content = @Content(schema = @Schema(implementation = DeliveryView.class)))
    public HttpResponse<?> url(Principal caller, UUID id, @Nullable @QueryValue String variant,
                               @Nullable @QueryValue String disposition) {
        if (disposition != null && !disposition.equals("inline") && !disposition.equals("attachment")) {
            return Problems.problem(ErrorCode.INVALID_FIELD, "disposition must be inline or attachment");
        }
        return Problems.respond(deliver.execute(caller, id, Optional.ofNullable(variant),
                        "attachment".equals(disposition)), DeliveryView::of)
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store");
    }

    /** Reads the stored original again and replaces only the probe fields. */
    @Post("/{id}/reprobe")
    @ApiResponse(responseCode = "200", description = "The probe fields before and after",
            content = @Content(schema = @Schema(implementation = RepairViews.ReprobeView.class)))
    public HttpResponse<?> reprobe(Principal caller, UUID id) {
        return Problems.respond(reprobe.execute(caller, id), RepairViews.ReprobeView::of);
    }

    /** Renders failed, cancelled, missing and stale variants again (all of the profile's, or those named). */
    @Post("/{id}/variants/requeue")
    @ApiResponse(responseCode = "200", description = "Which variants were selected, enqueued, skipped, errored",
            content = @Content(schema = @Schema(implementation = RepairViews.RequeueView.class)))
    // The body is bound by RequeueRequestBinder (it may be absent), which the generator cannot see.
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = RepairViews.RequeueRequest.class)))
    public HttpResponse<?> requeueVariants(Principal caller, UUID id, RepairViews.RequeueRequest request) {
        return Problems.respond(requeue.execute(caller, id, Optional.ofNullable(request.variantNames())),
                RepairViews.RequeueView::of);
    }

    /** Cancels queued and processing variant work, or answers 409 not_processing. */
    @Post("/{id}/processing/cancel")
    @ApiResponse(responseCode = "200", description = "The cancelled variants and the asset's state",
            content = @Content(schema = @Schema(implementation = RepairViews.CancelView.class)))
    public HttpResponse<?> cancelProcessing(Principal caller, UUID id) {
        return Problems.respond(cancel.execute(caller, id), RepairViews.CancelView::of);
    }
}
