package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.testkit.Events;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.util.UUID;

/** SQS messages as the upload events queue receives them, made from the samples in {@code events/}. */
final class SampleMessages {
    /** The session the PUT sample's key names ({@code staging/<id>/my+summer+photo.jpg}). */
    static final String PUT_SAMPLE_SESSION = "0b9d6a52-6c1f-4bb8-9f39-3c1d2e4f5a60";
    /** The session the multipart sample's key names ({@code staging/<id>/long+holiday+video.mp4}). */
    static final String MULTIPART_SAMPLE_SESSION = "7c1e9a40-2b3d-4e5f-8a6b-9c0d1e2f3a4b";

    private SampleMessages() {}

    /** The only message of a sample, its session id swapped for {@code sessionId}, under a fresh message id. */
    static SQSMessage sample(JsonMapper json, String sample, String sampleSession, UUID sessionId) throws IOException {
        String text = Events.text(sample);
        assertTrue(text.contains(sampleSession), sample + " names " + sampleSession);
        return message(json, text.replace(sampleSession, sessionId.toString()));
    }

    /** The first message of an SQS event, under a fresh message id. */
    static SQSMessage message(JsonMapper json, String sqsEvent) throws IOException {
        SQSMessage message = json.readValue(sqsEvent, SQSEvent.class).getRecords().getFirst();
        message.setMessageId(UUID.randomUUID().toString());
        return message;
    }

    /** A message with any body, as SQS would hand it over. */
    static SQSMessage withBody(String body) {
        var message = new SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(body);
        message.setEventSource("aws:sqs");
        return message;
    }
}
