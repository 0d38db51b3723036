package dev.stowage.lambda.http;

import dev.stowage.domain.ErrorCode;
import io.micronaut.data.connection.exceptions.ConnectionException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Tells a failure of a dependency that a retry may cure (the database or S3 unreachable, timing out, throttling,
 * answering 5xx) from a bug. The first is answered 503 with {@code Retry-After}; only the second is a 500.
 */
public final class Unavailability {

    /** SQLState classes and codes of a connection lost or refused, a server short of resources or restarting. */
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("40001", "40P01", "55P03", "57014", "57P01",
            "57P02", "57P03");

    /** S3 error codes that are 4xx on the wire but mean "try again", as the SDK's own retry policy treats them. */
    private static final Set<String> RETRYABLE_AWS_CODES = Set.of("RequestTimeout", "RequestTimeoutException",
            "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException");

    private Unavailability() {}

    /** The unavailable code for {@code failure}, if anything in its cause chain is a dependency failing transiently. */
    public static Optional<ErrorCode> of(Throwable failure) {
        return of(failure, 0);
    }

    // Suppressed exceptions too: a transaction that fails to clean up a broken connection throws that failure
    // with the one that broke it attached.
    private static Optional<ErrorCode> of(Throwable failure, int depth) {
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SdkException sdk && isTransient(sdk)) {
                return Optional.of(ErrorCode.STORAGE_UNAVAILABLE);
            }
            if (t instanceof SQLException sql && isTransient(sql)
                    || t instanceof ConnectionException) {
                return Optional.of(ErrorCode.DATABASE_UNAVAILABLE);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Optional<ErrorCode> code = of(suppressed, depth + 1);
                if (code.isPresent()) {
                    return code;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isTransient(SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return service.statusCode() >= 500 || service.statusCode() == 429 || service.isThrottlingException()
                    || RETRYABLE_AWS_CODES.contains(code);
        }
        // No answer at all: refused, reset, timed out (SdkClientException, ApiCallTimeoutException).
        return e instanceof SdkClientException;
    }

    private static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        // 08: connection exception; 53: insufficient resources (too many connections, out of memory, disk full).
        return state != null && (state.startsWith("08") || state.startsWith("53") || TRANSIENT_SQL_STATES.contains(state));
    }
}
