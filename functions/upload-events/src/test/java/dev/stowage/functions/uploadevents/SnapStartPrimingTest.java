package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.lambda.snapstart.SnapStartPriming;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.SnapStartCheck;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** UploadEventsHandler's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL. */
// Isolated: no other test class writes to this JVM's database meanwhile, so "nothing written" can count rows.
@Isolated
class SnapStartPrimingTest {
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-upload-events");

    @Test
    void primingHandlesAMessageForNothingWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            UploadEventsHandler handler = new UploadEventsHandler(context);
            SnapStartPriming hook = handler.priming().orElseThrow();
            JsonMapper json = context.getBean(JsonMapper.class);

            SnapStartCheck.queueWorkerSnapshotHoldsNothing(application.getValue(), () -> hook.beforeCheckpoint(null),
                    () -> hook.afterRestore(null), handler, json, UploadEventsHandler.PRIMING_NOTIFICATION);
            assertEquals(List.of("upload-events: unknown_key", "probe image/jpeg 16x16"), hook.answered(),
                    "the use case ran, on work that does not exist, and the probe on its sample");
        }
    }
}
