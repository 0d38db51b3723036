package dev.stowage.lambda.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The body of {@code POST /v1/uploads/{id}/parts/urls}: the parts to sign in one call. */
@Serdeable
public record SignPartsRequest(@Nullable List<Integer> partNumbers) {

    /** The numbers as the domain checks them: none when the field is absent; a {@code null} entry it refuses. */
    public List<Integer> numbers() {
        return partNumbers == null ? List.of() : java.util.Collections.unmodifiableList(partNumbers);
    }
}
