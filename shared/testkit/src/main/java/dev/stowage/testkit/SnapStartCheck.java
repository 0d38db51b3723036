package dev.stowage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A function's SnapStart hook called as Lambda calls it around a snapshot, seen from the database server: the
 * priming writes nothing and leaves none of the function's connections open, and the first call after the restore
 * opens the pool again. The test class must be {@code @Isolated}: "nothing written" counts every table's rows.
 */
public final class SnapStartCheck {
    /** A step that may throw, as the hook's methods and a handler's calls do. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private SnapStartCheck() {}

    /**
     * @param application     the function's {@link DatabaseWatch#applicationName} value
     * @param beforeCheckpoint the hook's {@code beforeCheckpoint}
     * @param afterRestore     the hook's {@code afterRestore}
     * @param firstCall        a call of the function's handler after the restore; it asserts its own answer
     */
    public static void snapshotHoldsNothing(String application, Step beforeCheckpoint, Step afterRestore,
                                            Step firstCall) throws Exception {
        Map<String, Long> rowsBefore = DatabaseWatch.of(TestStack.get()).rowCounts();
        poolClosedForTheSnapshot(application, () -> {
            beforeCheckpoint.run();
            assertEquals(rowsBefore, DatabaseWatch.of(TestStack.get()).rowCounts(), "priming wrote to the database");
        }, afterRestore, firstCall);
    }

    /**
     * The part of {@link #snapshotHoldsNothing} for a hook that primes nothing (a scheduled function's): no
     * connection left for the snapshot, the pool opened again by the first call. It counts no rows, so the test
     * class need not be {@code @Isolated}.
     */
    public static void poolClosedForTheSnapshot(String application, Step beforeCheckpoint, Step afterRestore,
                                                Step firstCall) throws Exception {
        DatabaseWatch database = DatabaseWatch.of(TestStack.get());
        beforeCheckpoint.run();
        assertEquals(0, database.awaitConnections(application, 0),
                "a connection of the function's is still open on the server");

        afterRestore.run();
        firstCall.run();
        assertTrue(database.connections(application) > 0, "the first call after the restore opened the pool again");
    }

    /**
     * {@link #snapshotHoldsNothing} for a queue worker, whose first call after the restore is {@code body} as SQS
     * delivers it (a batch of one), which the handler must acknowledge.
     */
    public static void queueWorkerSnapshotHoldsNothing(String application, Step beforeCheckpoint, Step afterRestore,
                                                       RequestStreamHandler handler, JsonMapper json, String body)
            throws Exception {
        snapshotHoldsNothing(application, beforeCheckpoint, afterRestore, () -> {
            SQSMessage message = new SQSMessage();
            message.setMessageId("after-restore");
            message.setEventSource("aws:sqs");
            message.setBody(body);
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(message));
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
            assertEquals("{\"batchItemFailures\":[]}", out.toString(StandardCharsets.UTF_8), "acknowledged");
        });
    }
}
