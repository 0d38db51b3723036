package dev.stowage.functions.purger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.SnapStartCheck;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PurgerHandler's SnapStart hook, called as Lambda calls it around a snapshot, against real PostgreSQL. It primes
 * nothing (the answered list says so), so no rows are counted and other test classes may run meanwhile.
 */
class SnapStartPrimingTest {
    private final Map.Entry<String, String> application = DatabaseWatch.applicationName("snapstart-purger");

    @Test
    void theHookClosesThePoolForTheSnapshotAndAScheduledRunAfterTheRestoreOpensItAgain() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            PurgerHandler handler = new PurgerHandler(context);

            SnapStartCheck.poolClosedForTheSnapshot(application.getValue(),
                    () -> handler.priming().beforeCheckpoint(null), () -> handler.priming().afterRestore(null), () -> {
                        var out = new ByteArrayOutputStream();
                        handler.handleRequest(new ByteArrayInputStream(
                                "{\"dryRun\":true}".getBytes(StandardCharsets.UTF_8)), out, null);
                        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"dryRun\":true"), out.toString());
                    });
            assertEquals(List.of(), handler.priming().answered(), "a scheduled run has nothing to prime");
        }
    }
}
