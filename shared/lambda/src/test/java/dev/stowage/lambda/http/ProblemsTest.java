package dev.stowage.lambda.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one place where an error code becomes an HTTP status, and where errors become problem JSON. */
class ProblemsTest {
    /** The published mapping, written out once more so a change to it is a decision, not an accident. */
    static final Map<ErrorCode.Kind, HttpStatus> STATUS_OF_KIND = new EnumMap<>(Map.ofEntries(
            Map.entry(ErrorCode.Kind.MALFORMED, HttpStatus.BAD_REQUEST),
            Map.entry(ErrorCode.Kind.INVALID, HttpStatus.UNPROCESSABLE_ENTITY),
            Map.entry(ErrorCode.Kind.UNSUPPORTED_TYPE, HttpStatus.UNSUPPORTED_MEDIA_TYPE),
            Map.entry(ErrorCode.Kind.TOO_LARGE, HttpStatus.REQUEST_ENTITY_TOO_LARGE),
            Map.entry(ErrorCode.Kind.UNAUTHENTICATED, HttpStatus.UNAUTHORIZED),
            Map.entry(ErrorCode.Kind.FORBIDDEN, HttpStatus.FORBIDDEN),
            Map.entry(ErrorCode.Kind.NOT_FOUND, HttpStatus.NOT_FOUND),
            Map.entry(ErrorCode.Kind.CONFLICT, HttpStatus.CONFLICT),
            Map.entry(ErrorCode.Kind.METHOD_NOT_ALLOWED, HttpStatus.METHOD_NOT_ALLOWED),
            Map.entry(ErrorCode.Kind.RATE_LIMITED, HttpStatus.TOO_MANY_REQUESTS),
            Map.entry(ErrorCode.Kind.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE),
            Map.entry(ErrorCode.Kind.UPSTREAM, HttpStatus.BAD_GATEWAY),
            Map.entry(ErrorCode.Kind.INTERNAL, HttpStatus.INTERNAL_SERVER_ERROR)));
    static final String SECRET = "jdbc:postgresql://db.internal:5432/stowage password=hunter2";

    @Test
    void everyKindHasAnExpectedStatus() {
        assertEquals(Set.of(ErrorCode.Kind.values()), STATUS_OF_KIND.keySet(),
                "a new kind needs its status decided here and in Problems.statusOf");
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeAnswersTheStatusOfItsKind(ErrorCode code) {
        assertEquals(STATUS_OF_KIND.get(code.kind()), Problems.statusOf(code), code.code());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aUseCasesRefusalBecomesAProblemWithItsStatusCodeAndDetail(ErrorCode code) {
        HttpResponse<?> response = Problems.respond(Result.err(code, "why it was refused"), v -> v);

        HttpStatus status = STATUS_OF_KIND.get(code.kind());
        assertEquals(status, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getContentType().orElseThrow().toString());
        Problem problem = (Problem) response.body();
        assertEquals(new Problem("urn:stowage:problem:" + code.code(), status.getReason(), status.getCode(),
                "why it was refused", code.code()), problem);
        assertEquals(code.kind() == ErrorCode.Kind.UNAVAILABLE ? "5" : null,
                response.getHeaders().get("Retry-After"), "only an unavailable answer asks for a retry");
    }

    static Problem processed(HttpStatus status, Throwable cause) {
        ErrorContext context = ErrorContext.builder(HttpRequest.GET("/v1/uploads"))
                .cause(cause)
                .errorMessage(cause.getMessage())
                .build();
        var response = new ProblemResponseProcessor().processResponse(context, HttpResponse.status(status));
        assertEquals(status, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getContentType().orElseThrow().toString());
        return response.getBody().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(value = HttpStatus.class, names = {"INTERNAL_SERVER_ERROR", "NOT_IMPLEMENTED", "BAD_GATEWAY",
            "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT", "INSUFFICIENT_STORAGE"})
    void aServerErrorNeverCarriesTheExceptionsMessage(HttpStatus status) {
        Problem problem = processed(status, new IllegalStateException(SECRET));

        assertFalse(problem.detail().contains("hunter2") || problem.detail().contains("db.internal"), problem.toString());
        assertEquals("the server could not complete the request", problem.detail());
        assertEquals(status.getCode(), problem.status());
        assertEquals(Problems.codeOf(status).code(), problem.code());
    }

    @Test
    void aClientErrorExplainsItselfWithTheFrameworksMessage() {
        Problem problem = processed(HttpStatus.BAD_REQUEST,
                new IllegalArgumentException("Failed to convert argument [id] for value [not-a-uuid]"));

        assertTrue(problem.detail().contains("not-a-uuid"), problem.toString());
        assertEquals("malformed_request", problem.code());
    }
}
