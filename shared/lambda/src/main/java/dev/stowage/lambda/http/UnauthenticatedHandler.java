package dev.stowage.lambda.http;

import dev.stowage.domain.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** 401 problem for a request without a trusted caller. */
@Singleton
public class UnauthenticatedHandler implements ExceptionHandler<Unauthenticated, HttpResponse<Problem>> {

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, Unauthenticated exception) {
        return Problems.problem(ErrorCode.UNAUTHENTICATED, exception.getMessage());
    }
}
