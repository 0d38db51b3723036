package dev.stowage.lambda.http;

import dev.stowage.domain.upload.SignUploadPart;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The requests a client makes to put the parts it asked for, in the order it named them. */
@Serdeable
public record SignedPartsView(List<SignedPartView> parts) {

    public static SignedPartsView of(List<SignUploadPart.SignedPart> signed) {
        return new SignedPartsView(signed.stream().map(SignedPartView::of).toList());
    }
}
