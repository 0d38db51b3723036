package dev.stowage.functions.uploadevents;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.stagedfile.ConfirmStagedFile;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.lambda.events.S3Notification;
import dev.stowage.lambda.events.SqsBatchHandler;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch of SQS messages, each holding S3's ObjectCreated notification: {@code staging/} → the
 * verification lane, once per object however often S3 and SQS deliver it; {@code staged-files/} → the
 * staged-file registry's confirmation (its pending entries for that checksum become present). The answer is a partial batch
 * response ({@code ReportBatchItemFailures}), so one message's failure never redelivers its siblings.
 *
 * <p>Retry-vs-drop, per message: an exception from the lane (database or storage unreachable) reports the
 * message in {@code batchItemFailures}, so SQS redelivers it and, after the queue's receive limit, moves
 * it to the DLQ. Every outcome the lane reports, an unknown key included, is final. S3's {@code s3:TestEvent}
 * is acknowledged. A body that is not an S3 notification is poison: no redelivery can ever make it
 * succeed, so it is logged at WARN with its messageId and acknowledged rather than left to fill the DLQ.
 */
public class UploadEventsHandler extends SqsBatchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UploadEventsHandler.class);

    static final String PRIMING_NOTIFICATION = """
            {"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"snapstart-priming"},
            "object":{"key":"staging/snapstart-priming-%s","size":1}}}]}""".formatted(SyntheticRequest.NO_SUCH_ID);

    private final VerifyUpload verify;
    private SnapStartPriming priming;
    private final ConfirmStagedFile confirm;

    /** Used by the Lambda runtime. */
    public UploadEventsHandler() {
        this(ApplicationContext.run());
    }

    /**
     * With the SnapStart hook: before the snapshot it handles S3's notification of a staging key no session or
     * asset has (two reads), and probes a sample held in memory, as the lane's promotions will. Not a staged file's
     * notification: confirming one asks storage first.
     */
    public UploadEventsHandler(ApplicationContext context) {
        this(context.getBean(JsonMapper.class), context.getBean(VerifyUpload.class),
                context.getBean(ConfirmStagedFile.class));
        this.priming = primeWith(context, List.of(PRIMING_NOTIFICATION),
                () -> List.of(SnapStartPriming.probeSample(context)));
    }

    /** The SnapStart hook; absent when built without a context (the local stack's lane, tests). */
    public Optional<SnapStartPriming> priming() {
        return Optional.ofNullable(priming);
    }

    /** For tests and the local stack, which drive the lane over storage that fails on cue. */
    public UploadEventsHandler(JsonMapper json, VerifyUpload verify, ConfirmStagedFile confirm) {
        super(json, LOG, "upload-events");
        this.verify = verify;
        this.confirm = confirm;
    }

    @Override
    protected String handle(SQSMessage message) {
        Optional<List<S3Notification.CreatedObject>> objects = S3Notification.objectsIn(json, message.getBody());
        if (objects.isEmpty()) {
            return poison(message, "an S3 notification");
        }
        List<String> outcomes = new ArrayList<>();
        for (var object : objects.get()) {
            String outcome = (object.key().startsWith(StorageKeys.STAGED_FILES)
                    ? confirm.objectCreated(object.key()).name() : verify.objectCreated(object.key()).name())
                    .toLowerCase(java.util.Locale.ROOT);
            LOG.atInfo().setMessage("upload-events: {} {}").addArgument(object.key()).addArgument(outcome)
                    .addKeyValue("messageId", message.getMessageId()).log();
            outcomes.add(outcome);
        }
        return String.join(",", outcomes);
    }
}
