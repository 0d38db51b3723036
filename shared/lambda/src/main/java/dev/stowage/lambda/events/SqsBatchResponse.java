package dev.stowage.lambda.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * A partial batch response ({@code ReportBatchItemFailures}) on the wire: the messages SQS must deliver
 * again, and only those. The SDK's {@code SQSBatchResponse} serde leaves an empty list out; an explicit
 * empty list says "all succeeded" plainly to a reader of the logs and of {@code sam local invoke}.
 */
@Serdeable
public record SqsBatchResponse(@JsonInclude(JsonInclude.Include.ALWAYS) List<Failure> batchItemFailures) {

    public static SqsBatchResponse failing(List<String> messageIds) {
        return new SqsBatchResponse(messageIds.stream().map(Failure::new).toList());
    }

    /** A message SQS must deliver again. */
    @Serdeable
    public record Failure(String itemIdentifier) {}
}
