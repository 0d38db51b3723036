package dev.stowage.functions.variantworker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.VariantMessage;
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

/** VariantWorkerHandler's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL. */
// Isolated: no other test class writes to this JVM's database meanwhile, so "nothing written" can count rows.
@Isolated
class SnapStartPrimingTest {
    private static final UUID NONE = UUID.fromString(SyntheticRequest.NO_SUCH_ID);
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-variant-worker");

    @Test
    void primingHandlesAMessageForNothingWritesNothingAndLeavesNoConnectionForTheSnapshot() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            VariantWorkerHandler handler = new VariantWorkerHandler(context);
            SnapStartPriming hook = handler.priming().orElseThrow();
            JsonMapper json = context.getBean(JsonMapper.class);

            SnapStartCheck.queueWorkerSnapshotHoldsNothing(application.getValue(), () -> hook.beforeCheckpoint(null),
                    () -> hook.afterRestore(null), handler, json,
                    VariantMessage.encode(json, new VariantJob(NONE, NONE, "snapstart-priming", "snapstart-priming")));
            String renderer = context.getBean(VariantRenderer.class).name(); // libvips where installed, else java
            assertEquals(List.of("variant-worker: dropped", "render " + renderer + " image/jpeg 8x8"), hook.answered(),
                    "the use case ran, on work that does not exist, and the renderer on its sample");
        }
    }
}
