package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.GetAsset;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/** {@code POST /v1/uploads/proxied}: a small file through the function; the body is the file, its type the header. */
@ApiContract
@Controller("/v1/uploads")
public class ProxiedUploadController {
    private final ProxiedUpload proxied;
    private final GetAsset assets;

    public ProxiedUploadController(ProxiedUpload proxied, GetAsset assets) {
        this.proxied = proxied;
        this.assets = assets;
    }

    @Post(value = "/proxied", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "201", description = "The asset, stored; `state` says how far promotion got",
            content = @Content(schema = @Schema(implementation = AssetView.class)))
    // The generator reads byte[] as base64 text and would document it so (hidden below); it is raw bytes.
    @RequestBody(required = true, description = "The file itself; its type is the Content-Type header",
            content = @Content(mediaType = MediaType.ALL, schema = @Schema(type = "string", format = "binary")))
    public HttpResponse<?> proxied(Principal caller, @QueryValue String profile, @QueryValue String filename,
                                   @Header("Content-Type") String contentType,
                                   @Nullable @Header("X-Checksum-Sha256") String checksumSha256,
                                   @Parameter(hidden = true) @Body byte[] body) {
        var declared = new UploadAdmission.Declared(profile, filename, contentType, (long) body.length, checksumSha256);
        return Problems.respond(proxied.execute(caller, new ProxiedUpload.Command(declared, body)),
                HttpStatus.CREATED, a -> AssetView.of(a, assets.variantsOf(a)));
    }
}
