package dev.stowage.lambda.events;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * An SQS event source's batch → one call of {@link #handle} per message, answered as a partial batch
 * response ({@code ReportBatchItemFailures}): only the messages whose handling threw come back, and the
 * queue's redrive moves them to its DLQ after its receive limit. What {@link #handle} returns is final,
 * so a body no redelivery could fix (poison) is acknowledged by returning, with a WARN line.
 */
public abstract class SqsBatchHandler implements RequestStreamHandler {
    protected final JsonMapper json;
    private final Logger log;
    private final String name;

    /** @param name the function, as its log lines name it ({@code upload-events}, {@code variant-worker}) */
    protected SqsBatchHandler(JsonMapper json, Logger log, String name) {
        this.json = json;
        this.log = log;
        this.name = name;
    }

    /** Handles one message; throws when it must come back (a transient failure: database, storage). */
    protected abstract void handle(SQSMessage message);

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SQSEvent batch = json.readValue(input, SQSEvent.class);
        List<String> failed = Objects.requireNonNullElse(batch.getRecords(), List.<SQSMessage>of()).stream()
                .filter(message -> !handled(message)).map(SQSMessage::getMessageId).toList();
        json.writeValue(output, SqsBatchResponse.failing(failed));
    }

    private boolean handled(SQSMessage message) {
        try {
            handle(message);
            return true;
        } catch (RuntimeException e) {
            log.atWarn().setMessage("{}: failed, SQS redelivers it").addArgument(name).setCause(e)
                    .addKeyValue("messageId", message.getMessageId())
                    .addKeyValue("receiveCount", message.getAttributes() == null ? null
                            : message.getAttributes().get("ApproximateReceiveCount")).log();
            return false;
        }
    }

    /** Logs a body that is not this queue's message; the caller then returns, acknowledging it. */
    protected void poison(SQSMessage message, String expected) {
        log.atWarn().setMessage("{}: not {}, acknowledged and dropped: {}").addArgument(name).addArgument(expected)
                .addArgument(message.getBody()).addKeyValue("messageId", message.getMessageId()).log();
    }
}
