package dev.stowage.functions.assets;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.attachment.AttachAsset;
import dev.stowage.domain.attachment.Slot;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.AttachRequest;
import dev.stowage.lambda.http.AttachmentView;
import dev.stowage.lambda.http.Problems;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/** Attachments of the caller's assets to slots of the caller's own records. */
@ApiContract
@Controller("/v1/owners/{ownerType}/{ownerId}/slots/{slot}")
public class AttachmentsController {
    private final AttachAsset attachments;

    public AttachmentsController(AttachAsset attachments) {
        this.attachments = attachments;
    }

    @Put
    @ApiResponse(responseCode = "200", description = "Attached (replacing what the slot held)",
            content = @Content(schema = @Schema(implementation = AttachmentView.class)))
    public HttpResponse<?> attach(Principal caller, String ownerType, String ownerId, String slot,
                                  @Body AttachRequest request) {
        return Problems.respond(Slot.of(ownerType, ownerId, slot)
                .flatMap(s -> attachments.attach(caller, s, request.assetId())), AttachmentView::of);
    }

    @Get
    @ApiResponse(responseCode = "200", description = "The attachment with its asset and ready variants",
            content = @Content(schema = @Schema(implementation = AttachmentView.class)))
    public HttpResponse<?> get(Principal caller, String ownerType, String ownerId, String slot) {
        return Problems.respond(Slot.of(ownerType, ownerId, slot).flatMap(s -> attachments.find(caller, s)),
                AttachmentView::of);
    }

    @Delete
    @ApiResponse(responseCode = "204", description = "Detached (or nothing was attached)")
    public HttpResponse<?> detach(Principal caller, String ownerType, String ownerId, String slot) {
        Result<Slot> where = Slot.of(ownerType, ownerId, slot);
        if (where instanceof Result.Ok<Slot>(Slot s)) {
            attachments.detach(caller, s);
            return HttpResponse.noContent();
        }
        return Problems.respond(where, s -> s);
    }
}
