package dev.stowage.lambda.events;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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

    /** What {@link #poison} answers. */
    protected static final String POISON = "poison";

    /**
     * Handles one message and says what became of it (the use case's outcome, in words: {@code dropped},
     * {@code unknown_key}, {@link #POISON}); throws when it must come back (a transient failure: database, storage).
     */
    protected abstract String handle(SQSMessage message);

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

    /**
     * The SnapStart hook of this worker (Lambda's runtime holds it weakly: the handler keeps it): before the
     * snapshot it takes each of {@code bodies} the way {@link #handleRequest} takes a message (the batch's JSON
     * both ways, the use case, the answer's JSON) and refuses the snapshot if one throws or is poison; then the
     * pools close. Each body must name work that does not exist, so handling it reads and changes nothing.
     */
    protected final SnapStartPriming primeWith(ApplicationContext context, List<String> bodies) {
        return primeWith(context, bodies, List::of);
    }

    /**
     * {@link #primeWith(ApplicationContext, List)}, then {@code localWork}: what the messages cannot reach without a
     * side effect but that costs no network either (probing bytes held in memory); it says what it did.
     */
    protected final SnapStartPriming primeWith(ApplicationContext context, List<String> bodies,
                                               Supplier<List<String>> localWork) {
        return SnapStartPriming.register(context, () -> {
            List<String> answered = new ArrayList<>();
            for (String body : bodies) {
                SQSMessage message = new SQSMessage();
                message.setMessageId("snapstart-priming-" + answered.size());
                message.setEventSource("aws:sqs");
                message.setBody(body);
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(message));
                SQSEvent delivered = json.readValue(json.writeValueAsBytes(event), SQSEvent.class);
                String outcome = handle(delivered.getRecords().getFirst());
                if (POISON.equals(outcome)) {
                    throw new IllegalStateException("SnapStart priming: " + name + " took its message for poison: "
                            + body);
                }
                json.writeValueAsBytes(SqsBatchResponse.failing(List.of()));
                answered.add(name + ": " + outcome);
            }
            answered.addAll(localWork.get());
            return answered;
        });
    }

    /** Logs a body that is not this queue's message; the caller returns what this answers, acknowledging it. */
    protected String poison(SQSMessage message, String expected) {
        log.atWarn().setMessage("{}: not {}, acknowledged and dropped: {}").addArgument(name).addArgument(expected)
                .addArgument(message.getBody()).addKeyValue("messageId", message.getMessageId()).log();
        return POISON;
    }
}
