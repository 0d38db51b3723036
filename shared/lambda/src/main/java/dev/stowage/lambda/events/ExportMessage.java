package dev.stowage.lambda.events;

import dev.stowage.domain.export.ExportJob;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/** An export work message body on the wire: {@code {"exportId"}}. */
@Serdeable
public record ExportMessage(@Nullable String exportId) {

    public static String encode(JsonMapper json, ExportJob job) {
        try {
            return json.writeValueAsString(new ExportMessage(job.exportId().toString()));
        } catch (IOException e) {
            throw new IllegalStateException("an export message always encodes", e);
        }
    }

    /** The job a body names, or empty when it is not an export message (poison: no redelivery fixes it). */
    public static Optional<ExportJob> decode(JsonMapper json, String body) {
        try {
            ExportMessage m = json.readValue(body == null ? "" : body, ExportMessage.class);
            if (m == null || m.exportId() == null) {
                return Optional.empty();
            }
            return Optional.of(new ExportJob(UUID.fromString(m.exportId())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
