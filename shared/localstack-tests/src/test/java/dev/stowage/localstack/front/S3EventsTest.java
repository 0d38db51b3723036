package dev.stowage.localstack.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** Event payloads: S3's key encoding and exact field shapes. */
class S3EventsTest {

    @Test
    void keysAreFormEncodedWithSlashesKept() {
        assertEquals("staging/abc/my+photo.jpg", S3Events.encodeKey("staging/abc/my photo.jpg"));
        assertEquals("staging/test_file%283%29.png", S3Events.encodeKey("staging/test_file(3).png"));
        assertEquals("staging/a%2Bb%3Dc%C3%A9.txt", S3Events.encodeKey("staging/a+b=cé.txt"));
        assertEquals("staging/a+b=cé.txt", S3Events.decodeKey(S3Events.encodeKey("staging/a+b=cé.txt")));
    }

    @Test
    void objectCreatedHasS3sShape() {
        var event = new S3Events.ObjectCreated("ObjectCreated:Put", "eu-west-1", Instant.parse("2026-01-02T03:04:05Z"),
                "AWS:KEY", "10.0.0.1", "REQ", "HOST", "cfg", "bucket", "OWNER", "staging/\"quoted\" name",
                42, "abc", "000000000000000001");

        JsonNode record = JsonNode.parser().parse(event.toJson()).field("Records").orElseThrow().asArray().getFirst();

        assertEquals("2026-01-02T03:04:05.000Z", record.field("eventTime").orElseThrow().asString());
        JsonNode object = record.field("s3").orElseThrow().field("object").orElseThrow();
        assertEquals("staging/%22quoted%22+name", object.field("key").orElseThrow().asString());
        assertEquals("42", object.field("size").orElseThrow().asNumber());
        assertEquals("OWNER", record.field("s3").orElseThrow().field("bucket").orElseThrow()
                .field("ownerIdentity").orElseThrow().field("principalId").orElseThrow().asString());
    }

    @Test
    void testEventHasS3sShape() {
        JsonNode test = JsonNode.parser().parse(S3Events.testEvent("media"));

        assertEquals("s3:TestEvent", test.field("Event").orElseThrow().asString());
        assertEquals("Amazon S3", test.field("Service").orElseThrow().asString());
        assertEquals("media", test.field("Bucket").orElseThrow().asString());
        assertTrue(S3Events.TEST_EVENT.contains("\"Event\":\"s3:TestEvent\""));
    }

    @Test
    void sequencersOnlyGrow() {
        String previous = Sequencer.next();
        for (int i = 0; i < 1000; i++) {
            String next = Sequencer.next();
            assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
            previous = next;
        }
    }
}
