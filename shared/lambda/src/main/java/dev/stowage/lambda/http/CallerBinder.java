package dev.stowage.lambda.http;

import dev.stowage.domain.Principal;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Lets a controller take the caller as a {@link Principal} argument; no caller means 401. */
@Singleton
public class CallerBinder implements TypedRequestArgumentBinder<Principal> {
    private final CallerResolver resolver;

    public CallerBinder(CallerResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Argument<Principal> argumentType() {
        return Argument.of(Principal.class);
    }

    @Override
    public BindingResult<Principal> bind(ArgumentConversionContext<Principal> context, HttpRequest<?> source) {
        Principal principal = resolver.subject(source).filter(Principal::isAcceptable).map(Principal::new)
                .orElseThrow(Unauthenticated::new);
        source.setAttribute(AccessLog.CALLER, principal); // for the access log, which must not resolve it again
        return () -> Optional.of(principal);
    }
}
