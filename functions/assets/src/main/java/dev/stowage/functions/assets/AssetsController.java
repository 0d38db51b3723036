package dev.stowage.functions.assets;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.GetAsset;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.Problems;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;

/** Assets over HTTP: each route decodes, calls one use case, encodes. */
@ApiContract
@Controller("/v1/assets")
public class AssetsController {
    private final GetAsset getAsset;

    public AssetsController(GetAsset getAsset) {
        this.getAsset = getAsset;
    }

    @Get("/{id}")
    @ApiResponse(responseCode = "200", description = "The asset: state, probed metadata, variants",
            content = @Content(schema = @Schema(implementation = AssetView.class)))
    public HttpResponse<?> get(Principal caller, UUID id) {
        return Problems.respond(getAsset.execute(caller, id), a -> AssetView.of(a.asset(), a.variants()));
    }
}
