package dev.stowage.lambda.http;

import dev.stowage.domain.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to an exception no use case expected. The database or S3 failing in a way a retry may cure is
 * 503 with {@code Retry-After} ({@link Unavailability}): the caller should try again, and every use case is
 * safe to repeat. Anything else is a 500 that names no internals, as the framework's own answer would be.
 */
@Singleton
public class DependencyFailureHandler implements ExceptionHandler<RuntimeException, HttpResponse<Problem>> {
    private static final Logger LOG = LoggerFactory.getLogger(DependencyFailureHandler.class);

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, RuntimeException exception) {
        Optional<ErrorCode> unavailable = Unavailability.of(exception);
        if (unavailable.isPresent()) {
            LOG.warn("{} {}: {} ({}); answered 503", request.getMethod(), request.getPath(),
                    unavailable.get().code(), rootMessage(exception));
            String what = unavailable.get() == ErrorCode.DATABASE_UNAVAILABLE ? "the database" : "storage";
            return Problems.problem(unavailable.get(), what + " did not answer in time; try again");
        }
        LOG.error("Unexpected error processing {} {}", request.getMethod(), request.getPath(), exception);
        return Problems.problem(ErrorCode.INTERNAL, "the server could not complete the request");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
