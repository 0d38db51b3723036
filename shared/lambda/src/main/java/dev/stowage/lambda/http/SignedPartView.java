package dev.stowage.lambda.http;

import dev.stowage.domain.upload.SignUploadPart;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Map;

/** The request a client makes to put one part: exactly {@code partSize} bytes with these headers. */
@Serdeable
public record SignedPartView(int partNumber, long partSize, String url, String method, Map<String, String> headers,
                             Instant expiresAt) {

    public static SignedPartView of(SignUploadPart.SignedPart s) {
        return new SignedPartView(s.partNumber(), s.partSize(), s.request().url().toString(), s.request().method(),
                s.request().headers(), s.request().expiresAt());
    }
}
