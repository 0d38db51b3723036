package dev.stowage.functions.assets;

import dev.stowage.domain.Principal;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.asset.GetAsset;
import dev.stowage.domain.delivery.DeliverAsset;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.DeliveryView;
import dev.stowage.lambda.http.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Optional;
import java.util.UUID;

/** Assets over HTTP: each route decodes, calls one use case, encodes. */
@ApiContract
@Controller("/v1/assets")
public class AssetsController {
    private final GetAsset getAsset;
    private final DeliverAsset deliver;

    public AssetsController(GetAsset getAsset, DeliverAsset deliver) {
        this.getAsset = getAsset;
        this.deliver = deliver;
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
}
