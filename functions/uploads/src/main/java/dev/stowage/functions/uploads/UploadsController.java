package dev.stowage.functions.uploads;

import dev.stowage.domain.Principal;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.domain.upload.GetUpload;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.lambda.http.AssetView;
import dev.stowage.lambda.http.CompleteUploadRequest;
import dev.stowage.lambda.http.InitiateUploadRequest;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.http.SignedPartView;
import dev.stowage.lambda.http.SignedUploadView;
import dev.stowage.lambda.http.UploadView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.util.List;
import java.util.UUID;

/** The upload lifecycle over HTTP: each route decodes, calls one use case, encodes. */
@Controller("/v1/uploads")
public class UploadsController {
    private final InitiateUpload initiate;
    private final SignUpload sign;
    private final VerifyUpload verify;
    private final GetUpload get;
    private final ProxiedUpload proxied;
    private final SignUploadPart signPart;
    private final CancelUpload cancel;

    public UploadsController(InitiateUpload initiate, SignUpload sign, VerifyUpload verify, GetUpload get,
                             ProxiedUpload proxied, SignUploadPart signPart, CancelUpload cancel) {
        this.initiate = initiate;
        this.sign = sign;
        this.verify = verify;
        this.get = get;
        this.proxied = proxied;
        this.signPart = signPart;
        this.cancel = cancel;
    }

    @Post
    public HttpResponse<?> initiate(Principal caller, @Body InitiateUploadRequest request) {
        return Problems.respond(initiate.execute(caller, request.toCommand()), HttpStatus.CREATED, UploadView::of);
    }

    @Post("/{id}/url")
    public HttpResponse<?> sign(Principal caller, UUID id) {
        return Problems.respond(sign.execute(caller, id), SignedUploadView::of);
    }

    @Post("/{id}/parts/{n}/url")
    public HttpResponse<?> signPart(Principal caller, UUID id, int n) {
        return Problems.respond(signPart.execute(caller, id, n), SignedPartView::of);
    }

    @Post("/{id}/complete")
    public HttpResponse<?> complete(Principal caller, UUID id, CompleteUploadRequest request) {
        return Problems.respond(verify.complete(caller, id, request.toParts()), v -> AssetView.of(v.asset(), List.of()));
    }

    @Get("/{id}")
    public HttpResponse<?> status(Principal caller, UUID id) {
        return Problems.respond(get.execute(caller, id), UploadView::of);
    }

    @Delete("/{id}")
    public HttpResponse<?> cancel(Principal caller, UUID id) {
        return Problems.respond(cancel.execute(caller, id), UploadView::of);
    }

    /** The file is the raw body; its declared type is the Content-Type header. */
    @Post(value = "/proxied", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> proxied(Principal caller, @QueryValue String profile, @QueryValue String filename,
                                   @Header("Content-Type") String contentType,
                                   @Nullable @Header("X-Checksum-Sha256") String checksumSha256,
                                   @Body byte[] body) {
        var declared = new UploadAdmission.Declared(profile, filename, contentType, (long) body.length, checksumSha256);
        return Problems.respond(proxied.execute(caller, new ProxiedUpload.Command(declared, body)),
                HttpStatus.CREATED, a -> AssetView.of(a, List.of()));
    }
}
