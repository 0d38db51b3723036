package dev.stowage.lambda.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of an S3 event notification Stowage reads. A configuration test event
 * ({@code "Event": "s3:TestEvent"}) has no records and so yields no object.
 */
@Serdeable
public record S3Notification(@JsonProperty("Records") @Nullable List<Record> records,
                             @JsonProperty("Event") @Nullable String event) {

    /** One event record. */
    @Serdeable
    public record Record(@Nullable String eventName, @Nullable S3 s3) {}

    /** The bucket and object of a record. */
    @Serdeable
    public record S3(@Nullable Bucket bucket, @Nullable S3Object object) {}

    /** The bucket a record is about. */
    @Serdeable
    public record Bucket(@Nullable String name) {}

    /** The object a record is about; its key is URL-encoded as S3 sends it. */
    @Serdeable
    public record S3Object(@Nullable String key, @Nullable Long size, @JsonProperty("eTag") @Nullable String eTag) {}

    /** A created object, with its key decoded. */
    public record CreatedObject(String bucket, String key, String eventName) {}

    /**
     * The objects a message body names (none for S3's test event); empty when the body is not an S3
     * notification at all: not JSON, another shape, or a key S3 could not have encoded.
     */
    public static Optional<List<CreatedObject>> objectsIn(JsonMapper json, String body) {
        try {
            S3Notification notification = json.readValue(Objects.requireNonNull(body), S3Notification.class);
            return notification.isTestEvent() ? Optional.of(List.of())
                    : Optional.ofNullable(notification.records()).map(records -> notification.createdObjects());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public boolean isTestEvent() {
        return "s3:TestEvent".equals(event);
    }

    /** The ObjectCreated records, keys decoded ({@code +} is a space); anything else is skipped. */
    public List<CreatedObject> createdObjects() {
        if (records == null) {
            return List.of();
        }
        return records.stream()
                .filter(r -> r.eventName() != null && r.eventName().startsWith("ObjectCreated:"))
                .filter(r -> r.s3() != null && r.s3().object() != null && r.s3().object().key() != null)
                .map(r -> new CreatedObject(r.s3().bucket() == null ? null : r.s3().bucket().name(),
                        URLDecoder.decode(r.s3().object().key(), StandardCharsets.UTF_8), r.eventName()))
                .toList();
    }
}
