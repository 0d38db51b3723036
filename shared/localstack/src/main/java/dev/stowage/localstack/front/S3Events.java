package dev.stowage.localstack.front;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Builds S3 event notification payloads in the exact shape S3 delivers to Lambda (eventVersion 2.1). */
public final class S3Events {
    // S3 always prints milliseconds, even ".000"; ISO_INSTANT would drop them.
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** {@code eventName} of a plain PUT. */
    public static final String PUT = "ObjectCreated:Put";
    /** {@code eventName} of a server-side copy. */
    public static final String COPY = "ObjectCreated:Copy";
    /** {@code eventName} of a completed multipart upload. */
    public static final String COMPLETE_MULTIPART_UPLOAD = "ObjectCreated:CompleteMultipartUpload";
    /** The {@code Event} value of the test message S3 sends when a notification is configured. */
    public static final String TEST_EVENT_NAME = "s3:TestEvent";
    /** The shape of the {@code s3:TestEvent} message; {@link #testEvent(String)} fills in a real bucket. */
    public static final String TEST_EVENT = testEvent("amzn-s3-demo-bucket",
            Instant.parse("2014-10-13T15:57:02.089Z"), "5582815E1AEA5ADF",
            "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE");

    private S3Events() {}

    /** One created object, with everything an S3 event record says about it. */
    public record ObjectCreated(
            String eventName,
            String region,
            Instant eventTime,
            String principalId,
            String sourceIpAddress,
            String requestId,
            String hostId,
            String configurationId,
            String bucket,
            String ownerPrincipalId,
            String key,
            long size,
            String eTag,
            String sequencer) {

        /** An event with plausible local values for everything the caller does not care about. */
        public static ObjectCreated of(String eventName, String bucket, String key, long size, String eTag, String region) {
            return new ObjectCreated(eventName, region, Instant.now(), "AWS:LOCAL", "127.0.0.1", newRequestId(), newHostId(),
                    "stowage-local", bucket, "STOWAGELOCAL", key, size, eTag, Sequencer.next());
        }

        /** The notification JSON, {@code {"Records":[...]}}. */
        public String toJson() {
            return "{\"Records\":[{"
                    + "\"eventVersion\":\"2.1\","
                    + "\"eventSource\":\"aws:s3\","
                    + "\"awsRegion\":" + Json.str(region) + ","
                    + "\"eventTime\":" + Json.str(EVENT_TIME.format(eventTime)) + ","
                    + "\"eventName\":" + Json.str(eventName) + ","
                    + "\"userIdentity\":{\"principalId\":" + Json.str(principalId) + "},"
                    + "\"requestParameters\":{\"sourceIPAddress\":" + Json.str(sourceIpAddress) + "},"
                    + "\"responseElements\":{\"x-amz-request-id\":" + Json.str(requestId)
                    + ",\"x-amz-id-2\":" + Json.str(hostId) + "},"
                    + "\"s3\":{"
                    + "\"s3SchemaVersion\":\"1.0\","
                    + "\"configurationId\":" + Json.str(configurationId) + ","
                    + "\"bucket\":{\"name\":" + Json.str(bucket)
                    + ",\"ownerIdentity\":{\"principalId\":" + Json.str(ownerPrincipalId) + "}"
                    + ",\"arn\":" + Json.str("arn:aws:s3:::" + bucket) + "},"
                    + "\"object\":{\"key\":" + Json.str(encodeKey(key))
                    + ",\"size\":" + size
                    + ",\"eTag\":" + Json.str(eTag)
                    + ",\"sequencer\":" + Json.str(sequencer) + "}"
                    + "}}]}";
        }
    }

    /** An {@code ObjectCreated:*} notification for {@code key} (raw; it is encoded as S3 does). */
    public static String objectCreated(String eventName, String bucket, String key, long size, String eTag, String region) {
        return ObjectCreated.of(eventName, bucket, key, size, eTag, region).toJson();
    }

    /** The {@code s3:TestEvent} message S3 sends once when a notification configuration is saved. */
    public static String testEvent(String bucket) {
        return testEvent(bucket, Instant.now(), newRequestId(), newHostId());
    }

    private static String testEvent(String bucket, Instant time, String requestId, String hostId) {
        return "{\"Service\":\"Amazon S3\",\"Event\":\"" + TEST_EVENT_NAME + "\",\"Time\":" + Json.str(EVENT_TIME.format(time))
                + ",\"Bucket\":" + Json.str(bucket) + ",\"RequestId\":" + Json.str(requestId)
                + ",\"HostId\":" + Json.str(hostId) + "}";
    }

    /**
     * The key as S3 writes it into events: {@code application/x-www-form-urlencoded} (a space becomes
     * {@code +}), except that {@code /} stays readable.
     */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /** The raw key from an event's {@code s3.object.key}; what every consumer must do before using it. */
    public static String decodeKey(String encodedKey) {
        return URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
    }

    static String newRequestId() {
        return HexFormat.of().withUpperCase().formatHex(randomBytes(8));
    }

    static String newHostId() {
        return Base64.getEncoder().encodeToString(randomBytes(48));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
