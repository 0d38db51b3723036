package dev.stowage.functions.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.streaming.CancelDirectUpload;
import dev.stowage.lambda.http.Problem;
import dev.stowage.lambda.http.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Locale;

/**
 * The 409 {@code not_cancellable} problem with the reference's detail: {@code reason} is {@code state} (with
 * the {@code state}), {@code ingest_mode} (with the {@code ingestMode}) or {@code missing_upload_id}.
 */
@Serdeable
public record NotCancellableProblem(String type, String title, int status, String detail, String code,
                                    String reason, @Nullable String state, @Nullable String ingestMode) {

    static MutableHttpResponse<NotCancellableProblem> of(CancelDirectUpload.Outcome.NotCancellable n) {
        HttpStatus status = Problems.statusOf(ErrorCode.NOT_CANCELLABLE);
        String reason = n.reason().name().toLowerCase(Locale.ROOT);
        String code = ErrorCode.NOT_CANCELLABLE.code();
        String detail = switch (n.reason()) {
            case STATE -> "the upload is " + n.value().orElse("?") + ": the provider already has the bytes";
            case INGEST_MODE -> "the asset was not uploaded to a streaming provider";
            case MISSING_UPLOAD_ID -> "the provider has not confirmed the upload yet";
        };
        return HttpResponse.<NotCancellableProblem>status(status).contentType(Problem.MEDIA_TYPE)
                .body(new NotCancellableProblem("urn:stowage:problem:" + code, status.getReason(), status.getCode(),
                        detail, code, reason,
                        n.reason() == CancelDirectUpload.Reason.STATE ? n.value().orElse(null) : null,
                        n.reason() == CancelDirectUpload.Reason.INGEST_MODE ? n.value().orElse(null) : null));
    }
}
