package dev.stowage.lambda.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.ErrorCode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The problem document's published contract. */
class ProblemTest {

    @Test
    void theDocumentedCodesAreExactlyTheStableErrorCodesInOrder() throws NoSuchFieldException {
        Schema code = Problem.class.getDeclaredField("code").getAnnotation(Schema.class);
        assertEquals(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList(), List.of(code.allowableValues()),
                "Problem.code's allowableValues must list every ErrorCode, in declaration order");
    }
}
