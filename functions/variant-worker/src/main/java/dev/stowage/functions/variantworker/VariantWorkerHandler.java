package dev.stowage.functions.variantworker;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.variant.RenderVariant;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.SqsBatchHandler;
import dev.stowage.lambda.events.VariantMessage;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
public class VariantWorkerHandler extends SqsBatchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VariantWorkerHandler.class);

    private final RenderVariant render;
    private SnapStartPriming priming;

    /** Used by the Lambda runtime. */
    public VariantWorkerHandler() {
        this(ApplicationContext.run());
    }

    /**
     * With the SnapStart hook: before the snapshot it handles a job for a variant that does not exist, and renders a
     * sample held in memory, as the jobs will.
     */
    public VariantWorkerHandler(ApplicationContext context) {
        this(context.getBean(JsonMapper.class), context.getBean(RenderVariant.class));
        UUID none = UUID.fromString(SyntheticRequest.NO_SUCH_ID);
        this.priming = primeWith(context, List.of(VariantMessage.encode(json,
                new VariantJob(none, none, "snapstart-priming", "snapstart-priming"))),
                () -> List.of(SnapStartPriming.renderSample(context)));
    }

    public VariantWorkerHandler(JsonMapper json, RenderVariant render) {
        super(json, LOG, "variant-worker");
        this.render = render;
    }

    /** The SnapStart hook; absent when built without a context (the local stack's lane, tests). */
    public Optional<SnapStartPriming> priming() {
        return Optional.ofNullable(priming);
    }

    @Override
    protected String handle(SQSMessage message) {
        Optional<VariantJob> job = VariantMessage.decode(json, message.getBody());
        if (job.isEmpty()) {
            return poison(message, "a variant message");
        }
        RenderVariant.Outcome outcome = render.run(job.get());
        LOG.atInfo().setMessage("variant-worker: {} of asset {} {}").addArgument(job.get().variant())
                .addArgument(job.get().assetId()).addArgument(outcome.name().toLowerCase())
                .addKeyValue("messageId", message.getMessageId()).log();
        return outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
}
