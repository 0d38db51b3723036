package dev.stowage.domain;

/**
 * Stable error codes that clients can switch on. The HTTP status of each is decided in exactly
 * one place at the edge; the domain only says which kind of failure it is.
 */
public enum ErrorCode {
    MALFORMED_REQUEST(Kind.MALFORMED),
    UNSUPPORTED_MEDIA_TYPE(Kind.UNSUPPORTED_TYPE),
    INVALID_FIELD(Kind.INVALID),
    UNKNOWN_PROFILE(Kind.INVALID),
    INVALID_FILENAME(Kind.INVALID),
    INVALID_BYTE_SIZE(Kind.INVALID),
    INVALID_CHECKSUM(Kind.INVALID),
    UNSUPPORTED_STRATEGY(Kind.INVALID),
    INVALID_PART_NUMBER(Kind.INVALID),
    INVALID_OWNER(Kind.INVALID),
    INVALID_SLOT(Kind.INVALID),
    UNKNOWN_VARIANT(Kind.INVALID),
    DUPLICATE_PART(Kind.INVALID),
    PARTS_INCOMPLETE(Kind.INVALID),
    CONTENT_TYPE_NOT_ALLOWED(Kind.INVALID),
    INVALID_TTL(Kind.INVALID),
    INVALID_CURSOR(Kind.INVALID),
    UNKNOWN_FORMAT(Kind.INVALID),
    UNKNOWN_GENERATOR(Kind.INVALID),
    INVALID_LABELS(Kind.INVALID),
    INVALID_DURATION(Kind.INVALID),
    STREAMING_NOT_CONFIGURED(Kind.INVALID),
    TOO_LARGE(Kind.TOO_LARGE),
    UNAUTHENTICATED(Kind.UNAUTHENTICATED),
    FORBIDDEN(Kind.FORBIDDEN),
    NOT_FOUND(Kind.NOT_FOUND),
    UPLOAD_NOT_FOUND(Kind.NOT_FOUND),
    ASSET_NOT_FOUND(Kind.NOT_FOUND),
    ATTACHMENT_NOT_FOUND(Kind.NOT_FOUND),
    VARIANT_NOT_READY(Kind.NOT_FOUND),
    STAGED_FILE_NOT_FOUND(Kind.NOT_FOUND),
    EXPORT_NOT_FOUND(Kind.NOT_FOUND),
    INVALID_STATE(Kind.CONFLICT),
    NOT_PROCESSING(Kind.CONFLICT),
    SESSION_EXPIRED(Kind.CONFLICT),
    UPLOAD_COMPLETED(Kind.CONFLICT),
    PART_MISMATCH(Kind.CONFLICT),
    OBJECT_MISSING(Kind.CONFLICT),
    SIZE_MISMATCH(Kind.CONFLICT),
    NOT_CANCELLABLE(Kind.CONFLICT),
    CHECKSUM_MISMATCH(Kind.CONFLICT),
    METHOD_NOT_ALLOWED(Kind.METHOD_NOT_ALLOWED),
    STORAGE_UNAVAILABLE(Kind.UNAVAILABLE),
    SIGNING_UNAVAILABLE(Kind.UNAVAILABLE),
    PROVIDER_QUOTA_EXCEEDED(Kind.RATE_LIMITED),
    PROVIDER_SYNC_FAILED(Kind.UPSTREAM),
    INTERNAL(Kind.INTERNAL);

    /** The family of failure, which the edge maps to a transport status. */
    public enum Kind {
        MALFORMED, INVALID, UNSUPPORTED_TYPE, TOO_LARGE, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT,
        METHOD_NOT_ALLOWED, RATE_LIMITED, UNAVAILABLE, UPSTREAM, INTERNAL
    }

    private final Kind kind;

    ErrorCode(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The wire form: {@code upload_not_found}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
