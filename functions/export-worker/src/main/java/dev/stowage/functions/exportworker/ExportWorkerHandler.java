package dev.stowage.functions.exportworker;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.export.GenerateExport;
import dev.stowage.lambda.events.ExportMessage;
import dev.stowage.lambda.events.SqsBatchHandler;
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
 * A batch of export jobs → one queued export written each. The answer is a partial batch response
 * ({@code ReportBatchItemFailures}), so a job that hit a transient failure comes back alone.
 *
 * <p>Retry-vs-drop, per message: an exception (storage or database unreachable) reports the message in
 * {@code batchItemFailures}; SQS redelivers it and, after the queue's receive limit, moves it to the DLQ,
 * while the export row stays pending for the purger to send again. Every outcome the use case reports
 * (ready, failed with a reason, duplicate, dropped) is final. A body that is not an export message is
 * poison: logged at WARN and acknowledged.
 */
public class ExportWorkerHandler extends SqsBatchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ExportWorkerHandler.class);

    private final GenerateExport generate;
    private SnapStartPriming priming;

    /** Used by the Lambda runtime. */
    public ExportWorkerHandler() {
        this(ApplicationContext.run());
    }

    /** With the SnapStart hook: before the snapshot it handles a job for an export that does not exist. */
    public ExportWorkerHandler(ApplicationContext context) {
        this(context.getBean(JsonMapper.class), context.getBean(GenerateExport.class));
        this.priming = primeWith(context, List.of(ExportMessage.encode(json,
                new ExportJob(UUID.fromString(SyntheticRequest.NO_SUCH_ID)))));
    }

    /** The SnapStart hook; absent when built without a context (tests). */
    public Optional<SnapStartPriming> priming() {
        return Optional.ofNullable(priming);
    }

    public ExportWorkerHandler(JsonMapper json, GenerateExport generate) {
        super(json, LOG, "export-worker");
        this.generate = generate;
    }

    @Override
    protected String handle(SQSMessage message) {
        Optional<ExportJob> job = ExportMessage.decode(json, message.getBody());
        if (job.isEmpty()) {
            return poison(message, "an export message");
        }
        GenerateExport.Outcome outcome = generate.run(job.get());
        LOG.atInfo().setMessage("export-worker: export {} {}").addArgument(job.get().exportId())
                .addArgument(outcome.name().toLowerCase()).addKeyValue("messageId", message.getMessageId()).log();
        return outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
}
