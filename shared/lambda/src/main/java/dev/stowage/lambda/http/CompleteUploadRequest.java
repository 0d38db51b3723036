package dev.stowage.lambda.http;

import dev.stowage.domain.port.MultipartStore.Part;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The body of {@code POST /v1/uploads/{id}/complete}: the parts of a multipart session, none for direct. */
@Serdeable
public record CompleteUploadRequest(@Nullable List<PartRef> parts) {

    /** A part as the client saw it: its number and the ETag storage answered its PUT with. */
    @Serdeable
    public record PartRef(int partNumber, @Nullable String etag) {}

    /** The parts as the domain checks them; a {@code null} entry is part number 0, which it refuses. */
    public List<Part> toParts() {
        return parts == null ? List.of() : parts.stream()
                .map(p -> p == null ? new Part(0, null, 0) : new Part(p.partNumber(), p.etag(), 0)).toList();
    }
}
