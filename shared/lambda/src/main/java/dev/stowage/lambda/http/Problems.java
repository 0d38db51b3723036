package dev.stowage.lambda.http;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.function.Function;

/** The one place where error codes become HTTP statuses, and results become responses. */
public final class Problems {
    /** What an unavailable answer's {@code Retry-After} says: long enough for a cached failure to clear. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private Problems() {}

    public static HttpStatus statusOf(ErrorCode code) {
        return switch (code.kind()) {
            case MALFORMED -> HttpStatus.BAD_REQUEST;
            case INVALID -> HttpStatus.UNPROCESSABLE_ENTITY;
            case UNSUPPORTED_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case TOO_LARGE -> HttpStatus.REQUEST_ENTITY_TOO_LARGE;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case UPSTREAM -> HttpStatus.BAD_GATEWAY;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** The code for an error the framework raised before any use case ran, from its status. */
    public static ErrorCode codeOf(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> ErrorCode.MALFORMED_REQUEST;
            case UNAUTHORIZED -> ErrorCode.UNAUTHENTICATED;
            case FORBIDDEN -> ErrorCode.FORBIDDEN;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> ErrorCode.METHOD_NOT_ALLOWED;
            case UNSUPPORTED_MEDIA_TYPE -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case REQUEST_ENTITY_TOO_LARGE -> ErrorCode.TOO_LARGE;
            case UNPROCESSABLE_ENTITY -> ErrorCode.INVALID_FIELD;
            case SERVICE_UNAVAILABLE -> ErrorCode.STORAGE_UNAVAILABLE;
            default -> status.getCode() < 500 ? ErrorCode.MALFORMED_REQUEST : ErrorCode.INTERNAL;
        };
    }

    public static MutableHttpResponse<Problem> problem(ErrorCode code, String detail) {
        HttpStatus status = statusOf(code);
        MutableHttpResponse<Problem> response = HttpResponse.<Problem>status(status)
                .contentType(Problem.MEDIA_TYPE)
                .body(Problem.of(status.getCode(), status.getReason(), code.code(), detail));
        // Unavailable is the one kind a client should simply retry: say when.
        return code.kind() == ErrorCode.Kind.UNAVAILABLE
                ? response.header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS)) : response;
    }

    /** 200 with the view of the value, or the problem the use case reported. */
    public static <T> MutableHttpResponse<?> respond(Result<T> result, Function<? super T, ?> view) {
        return respond(result, HttpStatus.OK, view);
    }

    public static <T> MutableHttpResponse<?> respond(Result<T> result, HttpStatus success,
                                                     Function<? super T, ?> view) {
        return switch (result) {
            case Result.Ok<T> ok -> HttpResponse.status(success).body(view.apply(ok.value()));
            case Result.Err<T> err -> problem(err.code(), err.detail());
        };
    }
}
