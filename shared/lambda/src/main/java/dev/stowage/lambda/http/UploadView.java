package dev.stowage.lambda.http;

import dev.stowage.domain.upload.UploadSession;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/** An upload session as the API shows it. */
@Serdeable
public record UploadView(
        UUID id,
        UUID assetId,
        String profile,
        String strategy,
        String state,
        String filename,
        String contentType,
        long byteSize,
        @Nullable String checksumSha256,
        Instant expiresAt,
        @Nullable String failureReason,
        Instant createdAt,
        Instant updatedAt) {

    public static UploadView of(UploadSession s) {
        return new UploadView(s.id(), s.assetId(), s.profile(), s.strategy().apiName(), s.state().wire(),
                s.filename(), s.contentType(), s.byteSize(), s.checksumSha256().orElse(null), s.expiresAt(),
                s.failureReason().orElse(null), s.createdAt(), s.updatedAt());
    }
}
