package dev.stowage.lambda.http;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.ops.Operator;
import dev.stowage.lambda.config.OpsSettings;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Lets a controller take an {@link Operator}: no caller is 401, a caller without the operator claim 403. */
@Singleton
public class OperatorBinder implements TypedRequestArgumentBinder<Operator> {
    private final CallerResolver resolver;
    private final OpsSettings settings;

    public OperatorBinder(CallerResolver resolver, OpsSettings settings) {
        this.resolver = resolver;
        this.settings = settings;
    }

    @Override
    public Argument<Operator> argumentType() {
        return Argument.of(Operator.class);
    }

    @Override
    public BindingResult<Operator> bind(ArgumentConversionContext<Operator> context, HttpRequest<?> source) {
        Principal principal = resolver.subject(source).filter(Principal::isAcceptable).map(Principal::new)
                .orElseThrow(Unauthenticated::new);
        source.setAttribute(AccessLog.CALLER, principal);
        if (!settings.grants(resolver.claims(source))) {
            throw new NotOperator();
        }
        Operator operator = new Operator(principal);
        return () -> Optional.of(operator);
    }

    /** The caller is authenticated but its token does not carry the operator claim. */
    public static final class NotOperator extends RuntimeException {
        NotOperator() {
            super("operator routes need a token with the operator claim", null, false, false);
        }
    }

    /** 403 problem {@code forbidden}. */
    @Singleton
    public static class NotOperatorHandler implements ExceptionHandler<NotOperator, HttpResponse<Problem>> {
        @Override
        public HttpResponse<Problem> handle(HttpRequest request, NotOperator exception) {
            return Problems.problem(ErrorCode.FORBIDDEN, exception.getMessage());
        }
    }
}
