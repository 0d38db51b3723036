package dev.stowage.domain.export;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A durable, downloadable artifact owned by one principal: its bytes live inline in the database, or at
 * {@code storageKey} in the bucket when they are too large for that. {@code rowCount} is known for generated
 * exports only; {@code failureReason} is a stable code, for a failed one only.
 */
public record Export(UUID id, String principal, String filename, ExportFormat format, String contentType,
                     ExportState state, long byteSize, String checksumSha256, Optional<Long> rowCount,
                     Optional<String> storageKey, Optional<String> workflowId, Optional<String> requestId,
                     Map<String, String> labels, Instant createdAt, Instant expiresAt,
                     Optional<String> failureReason) {

    /** The bucket key of an export's bytes: from its id only, never from a client's file name. */
    public static String keyOf(UUID id) {
        return "exports/" + id;
    }

    /** What made it, as V1's {@code kind} column records it. */
    public String kind() {
        return rowCount.isPresent() ? "asset-inventory" : "inline";
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** The same export with its bytes kept in the row, not in the bucket. */
    public Export inRow() {
        return new Export(id, principal, filename, format, contentType, state, byteSize, checksumSha256, rowCount,
                Optional.empty(), workflowId, requestId, labels, createdAt, expiresAt, failureReason);
    }

    public Export ready(long size, String checksum, Optional<Long> rows) {
        return new Export(id, principal, filename, format, contentType, ExportState.READY, size, checksum, rows,
                storageKey, workflowId, requestId, labels, createdAt, expiresAt, Optional.empty());
    }
}
