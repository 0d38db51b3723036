package dev.stowage.lambda.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.lambda.http.CompleteUploadRequest;
import dev.stowage.lambda.http.InitiateUploadRequest;
import dev.stowage.lambda.http.StageFileRequest;
import dev.stowage.testkit.fuzz.Fuzz;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Integer fields of request bodies take whole numbers in range, however written, and refuse the rest cheaply. */
class WholeNumbersTest {
    static final JsonMapper JSON = ObjectMapper.create(Map.of(), "dev.stowage.lambda.json");

    @Test
    void wholeNumbersWrittenAnotherWayAreTakenAndFractionsRefused() throws IOException {
        assertEquals(1000L, JSON.readValue("{\"byteSize\":1e3}", InitiateUploadRequest.class).byteSize());
        assertEquals(2L, JSON.readValue("{\"byteSize\":2.0}", InitiateUploadRequest.class).byteSize());
        IOException refused = assertInstanceOf(IOException.class, Fuzz.run(() ->
                JSON.readValue("{\"byteSize\":1.5}", InitiateUploadRequest.class)).thrown());
        assertTrue(refused.getMessage().contains("was 1.5"), refused.getMessage());
    }

    // Found by fuzzing (RequestBodiesFuzzTest): the refusal spelt the number out in full, so these bodies of
    // about 20 bytes allocated gigabytes (5 GB measured for the first), an OutOfMemoryError on any Lambda.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"size\":1e999999999}          | StageFile",
        "{\"byteSize\":-1e999999999}     | InitiateUpload",
        "{\"byteSize\":1e-999999999}     | InitiateUpload",
        "{\"parts\":[{\"partNumber\":1E+2147483647}]} | CompleteUpload",
    })
    void aNumberWithAHugeExponentIsRefusedWithoutBeingSpeltOut(String body, String request) {
        Class<?> type = switch (request) {
            case "StageFile" -> StageFileRequest.class;
            case "InitiateUpload" -> InitiateUploadRequest.class;
            default -> CompleteUploadRequest.class;
        };
        Fuzz.Outcome<?> outcome = Fuzz.run(() -> JSON.readValue(body, type)).allocatedAtMost(1L << 20);
        IOException refused = assertInstanceOf(IOException.class, outcome.thrown());
        assertTrue(refused.getMessage().contains("must be a whole number"), refused.getMessage());
    }
}
