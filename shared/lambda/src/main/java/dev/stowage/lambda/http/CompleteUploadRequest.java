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

    public List<Part> toParts() {
        return parts == null ? List.of() : parts.stream().map(p -> new Part(p.partNumber(), p.etag(), 0)).toList();
    }
}
