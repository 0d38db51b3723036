package dev.stowage.lambda.http;

import dev.stowage.domain.ErrorCode;
import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Renders every error the framework produces (unknown route, malformed JSON, a path id that is not a
 * UUID, a missing body, an unexpected exception) as problem JSON with a stable code. Server errors
 * never carry the exception's message.
 */
@Singleton
@Primary
public class ProblemResponseProcessor implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        ErrorCode code = Problems.codeOf(status);
        String detail = status.getCode() >= 500
                ? "the server could not complete the request"
                : context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
        if (detail.isBlank()) {
            detail = status.getReason();
        }
        return response.contentType(Problem.MEDIA_TYPE)
                .body(Problem.of(status.getCode(), status.getReason(), code.code(), detail));
    }
}
