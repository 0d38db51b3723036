package dev.stowage.functions.variantworker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.variant.RenderVariant;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.SqsBatchResponse;
import dev.stowage.lambda.events.VariantMessage;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch of variant work messages → one render each. The answer is a partial batch response
 * ({@code ReportBatchItemFailures}), so a message whose render hit a transient failure comes back alone.
 *
 * <p>Retry-vs-drop, per message: an exception (storage or database unreachable) reports the message in
 * {@code batchItemFailures}; SQS redelivers it and, after the queue's receive limit, moves it to the DLQ,
 * while the variant row stays queued for the purger to send again. Every outcome the use case reports
 * (rendered, failed with a reason, duplicate, dropped) is final. A body that is not a variant message is
 * poison: logged at WARN and acknowledged.
 */
public class VariantWorkerHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VariantWorkerHandler.class);

    private final JsonMapper json;
    private final RenderVariant render;

    /** Used by the Lambda runtime. */
    public VariantWorkerHandler() {
        this(ApplicationContext.run());
    }

    public VariantWorkerHandler(ApplicationContext context) {
        this(context.getBean(JsonMapper.class), context.getBean(RenderVariant.class));
    }

    public VariantWorkerHandler(JsonMapper json, RenderVariant render) {
        this.json = json;
        this.render = render;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SQSEvent batch = json.readValue(input, SQSEvent.class);
        List<String> failed = Objects.requireNonNullElse(batch.getRecords(), List.<SQSMessage>of()).stream()
                .filter(message -> !handled(message)).map(SQSMessage::getMessageId).toList();
        json.writeValue(output, SqsBatchResponse.failing(failed));
    }

    /** False when the message must come back: the render threw. */
    private boolean handled(SQSMessage message) {
        Optional<VariantJob> job = VariantMessage.decode(json, message.getBody());
        if (job.isEmpty()) {
            LOG.atWarn().setMessage("variant-worker: not a variant message, acknowledged and dropped: {}")
                    .addArgument(message.getBody()).addKeyValue("messageId", message.getMessageId()).log();
            return true;
        }
        try {
            RenderVariant.Outcome outcome = render.run(job.get());
            LOG.atInfo().setMessage("variant-worker: {} of asset {} {}").addArgument(job.get().variant())
                    .addArgument(job.get().assetId()).addArgument(outcome.name().toLowerCase())
                    .addKeyValue("messageId", message.getMessageId()).log();
            return true;
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("variant-worker: failed, SQS redelivers it").setCause(e)
                    .addKeyValue("messageId", message.getMessageId())
                    .addKeyValue("receiveCount", message.getAttributes() == null ? null
                            : message.getAttributes().get("ApproximateReceiveCount")).log();
            return false;
        }
    }
}
