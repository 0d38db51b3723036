package dev.stowage.lambda.http;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Optional;

/**
 * Binds the optional body of {@code POST /v1/assets/{id}/variants/requeue}: no body means every variant of
 * the profile. The API Gateway proxy refuses an absent body even as {@code @Nullable @Body} (400 "Empty
 * body"), so the raw text is read here; absent or blank means "all", anything else must be valid JSON.
 */
@Singleton
public class RequeueRequestBinder implements TypedRequestArgumentBinder<RepairViews.RequeueRequest> {
    private static final RepairViews.RequeueRequest ALL = new RepairViews.RequeueRequest(null);
    private final JsonMapper json;
    private final RawBody rawBody;

    public RequeueRequestBinder(JsonMapper json, RawBody rawBody) {
        this.json = json;
        this.rawBody = rawBody;
    }

    @Override
    public Argument<RepairViews.RequeueRequest> argumentType() {
        return Argument.of(RepairViews.RequeueRequest.class);
    }

    @Override
    public BindingResult<RepairViews.RequeueRequest> bind(ArgumentConversionContext<RepairViews.RequeueRequest> context,
                                                          HttpRequest<?> source) {
        String text = rawBody.of(source);
        if (text.isBlank()) {
            return () -> Optional.of(ALL);
        }
        try {
            RepairViews.RequeueRequest request = json.readValue(text, RepairViews.RequeueRequest.class);
            return () -> Optional.of(request == null ? ALL : request);
        } catch (IOException e) {
            throw new ConversionErrorException(context.getArgument(), e);
        }
    }
}
