package dev.stowage.functions.uploadevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.lambda.events.S3Notification;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * S3 ObjectCreated on {@code staging/} → the verification lane, once per object however often S3
 * delivers it. Retry-vs-drop: an exception (database or storage unreachable) propagates so Lambda
 * retries the event; every outcome the lane reports, including an unknown key, is final and dropped.
 */
public class UploadEventsHandler implements RequestStreamHandler {
    private final JsonMapper json;
    private final VerifyUpload verify;

    /** Used by the Lambda runtime. */
    public UploadEventsHandler() {
        this(ApplicationContext.run());
    }

    public UploadEventsHandler(ApplicationContext context) {
        this.json = context.getBean(JsonMapper.class);
        this.verify = context.getBean(VerifyUpload.class);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        S3Notification event = json.readValue(input, S3Notification.class);
        List<Handled> handled = event.createdObjects().stream()
                .map(o -> new Handled(o.key(), verify.objectCreated(o.key()).name().toLowerCase()))
                .toList();
        json.writeValue(output, new Report(event.isTestEvent(), handled));
    }

    /** What one invocation did, returned to the caller and visible in the function's logs. */
    @io.micronaut.serde.annotation.Serdeable
    public record Report(boolean testEvent,
                         @com.fasterxml.jackson.annotation.JsonInclude(
                                 com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) List<Handled> objects) {}

    /** The outcome for one object key. */
    @io.micronaut.serde.annotation.Serdeable
    public record Handled(String key, String outcome) {}
}
