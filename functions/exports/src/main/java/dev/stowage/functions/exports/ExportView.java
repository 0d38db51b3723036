package dev.stowage.functions.exports;

import dev.stowage.domain.export.GetExport;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An export as the API shows it. {@code downloadUrl} is relative to the API's base URL and carries the token;
 * anyone holding it can download until {@code expiresAt}. {@code storedIn} is {@code database} or
 * {@code bucket} (a download from the bucket answers 303 to a presigned URL). A {@code pending} export has no
 * link yet; a {@code failed} one says why in {@code failureReason}, a stable code.
 */
@Serdeable
public record ExportView(UUID id, String filename, String format, String contentType, String state,
                         long byteSize, String checksumSha256, @Nullable Long rowCount, String storedIn,
                         @Nullable String workflowId, @Nullable String requestId, @com.fasterxml.jackson.annotation.JsonInclude(
                                 com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) Map<String, String> labels,
                         Instant createdAt, Instant expiresAt, @Nullable String downloadUrl,
                         @Nullable String failureReason) {

    static ExportView of(GetExport.Found found) {
        var e = found.export();
        return new ExportView(e.id(), e.filename(), e.format().wire(), e.contentType(), e.state().wire(),
                e.byteSize(), e.checksumSha256(), e.rowCount().orElse(null),
                e.storageKey().isPresent() ? "bucket" : "database", e.workflowId().orElse(null),
                e.requestId().orElse(null), e.labels(), e.createdAt(), e.expiresAt(),
                found.token().map(t -> "/v1/exports/" + e.id() + "/download?token=" + t).orElse(null),
                e.failureReason().orElse(null));
    }

    /** A page of the caller's exports, newest first. */
    @Serdeable
    public record Page(@com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) List<ExportView> exports) {}
}
