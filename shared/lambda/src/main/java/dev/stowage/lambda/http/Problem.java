package dev.stowage.lambda.http;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** An RFC 9457 problem document with Stowage's stable {@code code}. */
@Serdeable
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        // The wire forms of ErrorCode, which the domain cannot annotate; ProblemTest keeps the two equal.
        @Schema(description = "Stable: clients switch on it. The status says how bad, the code says what.",
                requiredMode = Schema.RequiredMode.REQUIRED,
                allowableValues = {"malformed_request", "unsupported_media_type", "invalid_field", "unknown_profile",
                        "invalid_filename", "invalid_byte_size", "invalid_checksum", "unsupported_strategy",
                        "invalid_part_number", "invalid_owner", "invalid_slot", "unknown_variant", "duplicate_part", "parts_incomplete",
                        "content_type_not_allowed", "invalid_ttl", "invalid_cursor", "unknown_format", "unknown_generator", "invalid_labels", "invalid_duration", "streaming_not_configured", "too_large", "unauthenticated", "forbidden", "not_found",
                        "upload_not_found", "asset_not_found", "attachment_not_found", "variant_not_ready", "staged_file_not_found", "export_not_found", "invalid_state", "not_processing", "session_expired", "upload_completed", "part_mismatch",
                        "object_missing", "size_mismatch", "not_cancellable", "checksum_mismatch", "method_not_allowed",
                        "storage_unavailable", "database_unavailable", "signing_unavailable", "provider_credentials_unavailable", "provider_quota_exceeded", "provider_sync_failed", "internal"})
        String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String code, String detail) {
        return new Problem("urn:stowage:problem:" + code, title, status, detail, code);
    }
}
