package dev.stowage.lambda.http;

import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.UploadAdmission;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** The body of {@code POST /v1/uploads}; every field is checked by the domain, which names what is wrong. */
@Serdeable
public record InitiateUploadRequest(@Nullable String profile, @Nullable String filename, @Nullable String contentType,
                                    @Nullable Long byteSize, @Nullable String checksumSha256,
                                    @Nullable String strategy) {

    public InitiateUpload.Command toCommand() {
        return new InitiateUpload.Command(
                new UploadAdmission.Declared(profile, filename, contentType, byteSize, checksumSha256), strategy);
    }
}
