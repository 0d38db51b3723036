package dev.stowage.lambda.http;

import dev.stowage.domain.stagedfile.StageFile;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** The body of {@code POST /v1/staged-files}; the domain checks every field and names what is wrong. */
@Serdeable
public record StageFileRequest(@Nullable String checksumSha256, @Nullable String name, @Nullable Long size,
                               @Nullable String contentType, @Nullable Long ttlSeconds, @Nullable Boolean persist) {

    public StageFile.Command toCommand() {
        return new StageFile.Command(checksumSha256, name, size, contentType, ttlSeconds, persist);
    }
}
