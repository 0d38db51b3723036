package dev.stowage.lambda.events;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.testkit.fuzz.Fuzz;
import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes the SQS message bodies the upload-events, variant-worker and export-worker functions decode, with Jazzer:
 * whatever the body, each decoder answers (empty for anything that is not its message, which the handlers drop as
 * poison) and never throws, in bounded time and memory. The seeds are the bodies of the SQS samples in
 * {@code events/} (EventDecodersFuzzTestInputs/sqsMessageBody/).
 */
// Public, with public targets, so that EdgeDecodersFuzzTest can fuzz them all in one JVM.
public class EventDecodersFuzzTest {
    static final JsonMapper JSON = JsonMapper.createDefault();

    // Jackson's buffers and the decoded records: a few times the body. A number or a nesting taken at its word
    // (a string of a billion digits, a frame per level) is far beyond.
    static long budget(String body) {
        return (4L << 20) + 32L * body.length();
    }

    @FuzzTest
    public void sqsMessageBody(byte[] bytes) {
        String body = new String(bytes, StandardCharsets.UTF_8);
        Optional<List<S3Notification.CreatedObject>> objects = Fuzz.run(() -> S3Notification.objectsIn(JSON, body))
                .allocatedAtMost(budget(body)).answered();
        objects.ifPresent(list -> list.forEach(o -> {
            assertNotNull(o.key());
            assertTrue(o.eventName().startsWith("ObjectCreated:"), o.eventName());
        }));
        Fuzz.run(() -> VariantMessage.decode(JSON, body)).allocatedAtMost(budget(body)).answered()
                .ifPresent(job -> assertNotNull(job.variantId()));
        Fuzz.run(() -> ExportMessage.decode(JSON, body)).allocatedAtMost(budget(body)).answered()
                .ifPresent(job -> assertNotNull(job.exportId()));
    }
}
