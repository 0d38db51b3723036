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
 * Binds the optional body of {@code complete}: a direct upload is completed with no body at all.
 * The API Gateway proxy refuses an absent body even as {@code @Nullable @Body}, so the raw text is
 * read here; absent or blank means "no parts", anything else must be valid JSON (else 400).
 */
@Singleton
public class CompleteUploadRequestBinder implements TypedRequestArgumentBinder<CompleteUploadRequest> {
    private static final CompleteUploadRequest NO_PARTS = new CompleteUploadRequest(null);
    private final JsonMapper json;
    private final RawBody rawBody;

    public CompleteUploadRequestBinder(JsonMapper json, RawBody rawBody) {
        this.json = json;
        this.rawBody = rawBody;
    }

    @Override
    public Argument<CompleteUploadRequest> argumentType() {
        return Argument.of(CompleteUploadRequest.class);
    }

    @Override
    public BindingResult<CompleteUploadRequest> bind(ArgumentConversionContext<CompleteUploadRequest> context,
                                                     HttpRequest<?> source) {
        String text = rawBody.of(source);
        if (text.isBlank()) {
            return () -> Optional.of(NO_PARTS);
        }
        try {
            CompleteUploadRequest request = json.readValue(text, CompleteUploadRequest.class);
            if (request == null) {
                // The JSON text null is no request at all, as an absent body is (it was a NullPointerException: 500).
                return () -> Optional.of(NO_PARTS);
            }
            if (request.parts() != null && request.parts().contains(null)) {
                throw new IOException("parts must be objects {partNumber, etag}, not null");
            }
            return () -> Optional.of(request);
        } catch (IOException e) {
            throw new ConversionErrorException(context.getArgument(), e);
        }
    }
}
