package dev.stowage.functions.streaming;

import dev.stowage.domain.streaming.CreateDirectUpload;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Optional;

/** The body of {@code POST /v1/streaming/uploads}: a streaming-enabled profile, and a filename to remember. */
@Serdeable
public record CreateDirectUploadRequest(@Nullable String profile, @Nullable String filename) {

    CreateDirectUpload.Command command() {
        return new CreateDirectUpload.Command(profile, Optional.ofNullable(filename));
    }
}
