package dev.stowage.lambda.http;

import dev.stowage.domain.port.MultipartStore.Part;
import dev.stowage.domain.upload.GetUpload;
import dev.stowage.domain.upload.PartPlan;
import dev.stowage.domain.upload.UploadSession;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * An upload session as the API shows it. {@code uploadId} is the session id (the handle for every
 * route); multipart sessions add their part plan, and a status read adds what storage holds.
 */
@Serdeable
public record UploadView(
        UUID id,
        UUID uploadId,
        @Nullable UUID assetId,
        String profile,
        String strategy,
        String state,
        String filename,
        String contentType,
        long byteSize,
        @Nullable String checksumSha256,
        @Nullable Long partSize,
        @Nullable Integer partCount,
        Instant expiresAt,
        @Nullable String failureReason,
        @Nullable String progress,
        @Nullable Long committedBytes,
        @Nullable List<PartView> parts,
        Instant createdAt,
        Instant updatedAt) {

    /** A part storage holds. */
    @Serdeable
    public record PartView(int partNumber, String etag, long size) {
        static PartView of(Part p) {
            return new PartView(p.partNumber(), p.etag(), p.size());
        }
    }

    public static UploadView of(UploadSession s) {
        return of(s, null, null, null);
    }

    public static UploadView of(GetUpload.Status status) {
        return of(status.session(), status.progress().name().toLowerCase(Locale.ROOT),
                status.committed().map(GetUpload.Committed::bytes).orElse(null),
                status.committed().map(c -> c.parts().stream().map(PartView::of).toList()).orElse(null));
    }

    private static UploadView of(UploadSession s, String progress, Long committedBytes, List<PartView> parts) {
        return new UploadView(s.id(), s.id(), s.assetId().orElse(null), s.profile(), s.strategy().apiName(),
                s.state().wire(), s.filename(), s.contentType(), s.byteSize(), s.checksumSha256().orElse(null),
                s.partPlan().map(PartPlan::partSize).orElse(null), s.partPlan().map(PartPlan::partCount).orElse(null),
                s.expiresAt(), s.failureReason().orElse(null), progress, committedBytes, parts, s.createdAt(),
                s.updatedAt());
    }
}
