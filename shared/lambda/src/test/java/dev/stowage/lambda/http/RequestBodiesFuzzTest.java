package dev.stowage.lambda.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.domain.Result;
import dev.stowage.domain.profile.Delivery;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.StalePolicy;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.testkit.fuzz.Fuzz;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the JSON request bodies the shared edge decodes, with Jazzer, one target per request type: whatever the
 * text, the decoder gives the request or refuses with an {@link IOException} (which the API answers 400
 * {@code malformed_request}); never another exception, which would be a 500, and never an allocation sized by what
 * a number or a nesting declares ({@link dev.stowage.lambda.json.WholeNumbers}). What a handler does next with
 * the request (a command, the domain's admission) answers too. The seeds are valid bodies and the bodies that
 * once broke the decoder (RequestBodiesFuzzTestInputs/&lt;target&gt;/).
 */
// Public, with public targets, so that EdgeDecodersFuzzTest can fuzz them all in one JVM.
public class RequestBodiesFuzzTest {
    // The serde mapper with this module's deserializers (WholeNumbers), as the functions' contexts have it,
    // without starting a context (which would want a database).
    static final JsonMapper JSON = ObjectMapper.create(Map.of(), "dev.stowage.lambda.json");
    static final UploadAdmission ADMISSION = new UploadAdmission(new Profiles(List.of(new Profile("image",
            Set.of("image/jpeg", "image/png"), 25L << 20, List.of(), new Delivery(Delivery.Mode.SIGNED,
            Duration.ofMinutes(15)), StalePolicy.SERVE_ORIGINAL, Duration.ofHours(24), Duration.ofMinutes(15)))));

    @BeforeAll
    static void theMapperIsTheApisOne() {
        // The API's integer fields take whole numbers only (WholeNumbers): the mapper under test must do so too.
        assertThrows(IOException.class, () -> JSON.readValue("{\"byteSize\":1.5}", InitiateUploadRequest.class));
    }

    static long budget(byte[] body) {
        return (4L << 20) + 32L * body.length;
    }

    static <T> T decoded(byte[] body, Class<T> type) {
        String text = new String(body, StandardCharsets.UTF_8);
        return Fuzz.run(() -> JSON.readValue(text, type)).allocatedAtMost(budget(body))
                .answeredOrRefused(IOException.class, e -> true);
    }

    @FuzzTest
    public void initiateUpload(byte[] body) {
        InitiateUploadRequest request = decoded(body, InitiateUploadRequest.class);
        if (request != null) {
            Result<UploadAdmission.Admitted> admitted = Fuzz.run(() -> ADMISSION.admit(request.toCommand().file()))
                    .allocatedAtMost(budget(body)).answered();
            if (admitted instanceof Result.Err<UploadAdmission.Admitted> err) {
                assertNotNull(err.code().code());
            }
        }
    }

    /** As {@link CompleteUploadRequestBinder} reads it: null parts are its refusal too. */
    @FuzzTest
    public void completeUpload(byte[] body) {
        CompleteUploadRequest request = decoded(body, CompleteUploadRequest.class);
        if (request != null) {
            // A null entry becomes part number 0, which the domain refuses as invalid_part_number.
            assertNotNull(Fuzz.run(request::toParts).answered());
        }
    }

    @FuzzTest
    public void stageFile(byte[] body) {
        StageFileRequest request = decoded(body, StageFileRequest.class);
        if (request != null) {
            assertNotNull(Fuzz.run(request::toCommand).answered());
        }
    }

    @FuzzTest
    public void attach(byte[] body) {
        decoded(body, AttachRequest.class);
    }

    @FuzzTest
    public void requeueVariants(byte[] body) {
        decoded(body, RepairViews.RequeueRequest.class);
    }
}
