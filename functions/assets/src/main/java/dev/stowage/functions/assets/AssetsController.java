package dev.stowage.functions.assets;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.GetAsset;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.Problems;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.UUID;

/** Assets over HTTP: each route decodes, calls one use case, encodes. */
@Controller("/v1/assets")
public class AssetsController {
    private final GetAsset getAsset;

    public AssetsController(GetAsset getAsset) {
        this.getAsset = getAsset;
    }

    @Get("/{id}")
    public HttpResponse<?> get(Principal caller, UUID id) {
        return Problems.respond(getAsset.execute(caller, id), a -> AssetView.of(a.asset(), a.variants()));
    }
}
