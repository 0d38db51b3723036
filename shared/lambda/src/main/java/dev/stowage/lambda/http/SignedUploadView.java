package dev.stowage.lambda.http;

import dev.stowage.domain.upload.SignUpload;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Map;

/** The request a client makes to put its bytes: send exactly these headers. */
@Serdeable
public record SignedUploadView(String url, String method, Map<String, String> headers, Instant expiresAt,
                               UploadView session) {

    public static SignedUploadView of(SignUpload.Signed s) {
        return new SignedUploadView(s.request().url().toString(), s.request().method(), s.request().headers(),
                s.request().expiresAt(), UploadView.of(s.session()));
    }
}
