package dev.stowage.functions.exportworker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.export.ExportJob;
import dev.stowage.lambda.events.ExportMessage;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import dev.stowage.lambda.snapstart.SyntheticRequest;
import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.SnapStartCheck;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** ExportWorkerHandler's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL. */
// Isolated: no other test class writes to this JVM's database meanwhile, so "nothing written" can count rows.
@Isolated
class SnapStartPrimingTest {
    private static final UUID NONE = UUID.fromString(SyntheticRequest.NO_SUCH_ID);
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-export-worker");

    @Test
    void primingHandlesAMessageForNothingWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            ExportWorkerHandler handler = new ExportWorkerHandler(context);
            SnapStartPriming hook = handler.priming().orElseThrow();
            JsonMapper json = context.getBean(JsonMapper.class);

            SnapStartCheck.queueWorkerSnapshotHoldsNothing(application.getValue(), () -> hook.beforeCheckpoint(null),
                    () -> hook.afterRestore(null), handler, json, ExportMessage.encode(json, new ExportJob(NONE)));
            assertEquals(List.of("export-worker: dropped"), hook.answered(),
                    "the use case ran, on work that does not exist");
        }
    }
}
