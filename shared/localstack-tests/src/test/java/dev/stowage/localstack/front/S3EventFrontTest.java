package dev.stowage.localstack.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.localstack.LocalS3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The event front against a real s3proxy: forwarding keeps signatures valid, and only creations notify.
 * Every test has a front, a sink and clients of its own, so no event outlives the test that caused it.
 */
class S3EventFrontTest {
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
    private static final int MIB = 1024 * 1024;

    private static LocalS3Server s3;
    private static S3Client direct;
    private static HttpClient browser;

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<SdkHttpRequest> sentBySdk = new CopyOnWriteArrayList<>();
    private final AtomicInteger sentinels = new AtomicInteger();
    private S3EventFront front;
    private S3Client viaFront;
    private S3Presigner presigner;

    @BeforeAll
    static void startServer() {
        s3 = LocalS3Server.ephemeral();
        direct = client(s3.endpoint(), new CopyOnWriteArrayList<>());
        browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stopServer() {
        closeAll(browser, direct, s3);
    }

    @BeforeEach
    void startFront() {
        front = S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), events::add)
                .withRegion(s3.region())
                .withSizeLookup(key -> OptionalLong.of(
                        direct.headObject(b -> b.bucket(s3.bucket()).key(key)).contentLength())));
        viaFront = client(front.endpoint(), sentBySdk);
        presigner = S3Presigner.builder()
                .endpointOverride(front.endpoint())
                .region(Region.of(s3.region()))
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /** Closing delivers whatever is still in line: nothing may be, once a test has seen its sentinel. */
    @AfterEach
    void stopFront() {
        closeAll(presigner, viaFront, front);
        assertEquals(List.of(), List.copyOf(events), "events no assertion expected");
    }

    private static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void sdkPutIsStoredAndNotifiedOnceWithFormEncodedKey() throws Exception {
        String key = "staging/abc/my photo.jpg";
        byte[] body = "not really a jpeg".getBytes(StandardCharsets.UTF_8);

        String eTag = viaFront.putObject(b -> b.bucket(s3.bucket()).key(key).contentType("image/jpeg"),
                RequestBody.fromBytes(body)).eTag();

        assertArrayEquals(body, direct.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asByteArray());
        JsonNode record = record(nextEvent());
        assertEquals("2.1", text(record, "eventVersion"));
        assertEquals("aws:s3", text(record, "eventSource"));
        assertEquals(s3.region(), text(record, "awsRegion"));
        assertTrue(text(record, "eventTime").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals("ObjectCreated:Put", text(record, "eventName"));
        assertEquals("AWS:" + s3.accessKey(), text(record, "userIdentity", "principalId"));
        assertEquals("127.0.0.1", text(record, "requestParameters", "sourceIPAddress"));
        assertNotNull(text(record, "responseElements", "x-amz-request-id"));
        assertNotNull(text(record, "responseElements", "x-amz-id-2"));
        assertEquals("1.0", text(record, "s3", "s3SchemaVersion"));
        assertNotNull(text(record, "s3", "configurationId"));
        assertEquals(s3.bucket(), text(record, "s3", "bucket", "name"));
        assertNotNull(text(record, "s3", "bucket", "ownerIdentity", "principalId"));
        assertEquals("arn:aws:s3:::" + s3.bucket(), text(record, "s3", "bucket", "arn"));
        assertEquals("staging/abc/my+photo.jpg", text(record, "s3", "object", "key"));
        assertEquals(key, S3Events.decodeKey(text(record, "s3", "object", "key")));
        assertEquals(String.valueOf(body.length), node(record, "s3", "object", "size").asNumber());
        assertEquals(eTag.replace("\"", ""), text(record, "s3", "object", "eTag"));
        assertTrue(text(record, "s3", "object", "sequencer").matches("[0-9A-F]{18}"));
        assertOnlyEventsAfterThisAreNew();

        // The SDK asks for 100-continue but never signs Expect, so the front may answer and re-ask it itself;
        // it does sign Content-Length, which the front must therefore forward exactly.
        SdkHttpRequest put = sentBySdk.stream().filter(r -> r.method().name().equals("PUT")).findFirst().orElseThrow();
        String signed = put.firstMatchingHeader("Authorization").orElseThrow().replaceAll(".*SignedHeaders=([^,]*).*", "$1");
        assertTrue(put.firstMatchingHeader("Expect").isPresent());
        assertFalse(List.of(signed.split(";")).contains("expect"), signed);
        assertTrue(List.of(signed.split(";")).contains("content-length"), signed);
    }

    @Test
    void presignedPutSucceedsAndNotifiesOnce() throws Exception {
        String key = "staging/presigned/" + System.nanoTime() + ".png";
        byte[] body = new byte[4096];
        new Random(1).nextBytes(body);

        HttpResponse<String> response = browserPut(key, "image/png", body, "image/png");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode record = record(nextEvent());
        assertEquals("ObjectCreated:Put", text(record, "eventName"));
        assertEquals(key, S3Events.decodeKey(text(record, "s3", "object", "key")));
        assertEquals("4096", node(record, "s3", "object", "size").asNumber());
        assertArrayEquals(body, direct.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asByteArray());
        assertOnlyEventsAfterThisAreNew();
    }

    @Test
    void refusedPresignedPutIsForwardedAndSilent() throws Exception {
        String key = "staging/refused/" + System.nanoTime() + ".png";

        HttpResponse<String> response = browserPut(key, "image/png", new byte[1000], "text/plain");

        assertEquals(403, response.statusCode(), response.body());
        assertTrue(response.body().contains("SignatureDoesNotMatch"), response.body());
        assertOnlyEventsAfterThisAreNew();
    }

    @Test
    void everyConfiguredPrefixIsNotifiedAndOnlyThose() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var two = S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), seen::add)
                .withPrefixes("staging/", "staged-files/"));
             S3Client client = client(two.endpoint(), new ArrayList<>())) {
            for (String key : List.of("staged-files/" + System.nanoTime(), "staging/two/" + System.nanoTime(),
                    "assets/two/" + System.nanoTime())) {
                client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromString("x"));
            }
        }
        assertEquals(2, seen.size(), seen.toString());
        assertTrue(seen.get(0).contains("staged-files/") && seen.get(1).contains("staging/two/"), seen.toString());
    }

    @Test
    void putOutsideThePrefixIsSilent() throws Exception {
        viaFront.putObject(b -> b.bucket(s3.bucket()).key("assets/elsewhere.txt"), RequestBody.fromString("x"));

        assertEquals(1, direct.headObject(b -> b.bucket(s3.bucket()).key("assets/elsewhere.txt")).contentLength());
        assertOnlyEventsAfterThisAreNew();
    }

    @Test
    void multipartUploadNotifiesOnceOnCompletion() throws Exception {
        String key = "staging/multi/" + System.nanoTime() + ".bin";
        String uploadId = viaFront.createMultipartUpload(b -> b.bucket(s3.bucket()).key(key)).uploadId();
        byte[][] parts = {bytes(5 * MIB, 1), bytes(5 * MIB, 2), bytes(1234, 3)};
        List<CompletedPart> completed = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            int number = i + 1;
            String eTag = viaFront.uploadPart(b -> b.bucket(s3.bucket()).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(parts[i])).eTag();
            completed.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
        }

        String eTag = viaFront.completeMultipartUpload(b -> b.bucket(s3.bucket()).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(completed))).eTag();

        // Had any part been notified, its event would have come before this one.
        JsonNode record = record(nextEvent());
        assertEquals("ObjectCreated:CompleteMultipartUpload", text(record, "eventName"));
        assertEquals(key, S3Events.decodeKey(text(record, "s3", "object", "key")));
        assertEquals(String.valueOf(10 * MIB + 1234), node(record, "s3", "object", "size").asNumber());
        assertEquals(eTag.replace("\"", ""), text(record, "s3", "object", "eTag"));
        assertOnlyEventsAfterThisAreNew();
    }

    @Test
    void serverSideCopyNotifiesTheCopy() throws Exception {
        String source = "assets/copy-source.txt";
        String target = "staging/copied/" + System.nanoTime() + " copy.txt";
        direct.putObject(b -> b.bucket(s3.bucket()).key(source), RequestBody.fromString("copy me"));

        String eTag = viaFront.copyObject(b -> b.sourceBucket(s3.bucket()).sourceKey(source)
                .destinationBucket(s3.bucket()).destinationKey(target)).copyObjectResult().eTag();

        JsonNode record = record(nextEvent());
        assertEquals("ObjectCreated:Copy", text(record, "eventName"));
        assertEquals(target, S3Events.decodeKey(text(record, "s3", "object", "key")));
        assertEquals("7", node(record, "s3", "object", "size").asNumber());
        assertEquals(eTag.replace("\"", ""), text(record, "s3", "object", "eTag"));
        assertOnlyEventsAfterThisAreNew();
    }

    @Test
    void aCopyInPartsToAssetsGoesThroughPinnedAndRangedAndIsSilent() throws Exception {
        // What promotion does with a large original: UploadPartCopy of ranges pinned to the staged version.
        String source = "staging/large/" + System.nanoTime() + ".mp4";
        String target = "assets/" + System.nanoTime() + "/original";
        byte[] body = bytes(5 * MIB + 4321, 11);
        String eTag = direct.putObject(b -> b.bucket(s3.bucket()).key(source), RequestBody.fromBytes(body)).eTag();
        String uploadId = viaFront.createMultipartUpload(b -> b.bucket(s3.bucket()).key(target)
                .contentType("video/mp4")).uploadId();

        var refused = assertThrows(S3Exception.class, () -> viaFront.uploadPartCopy(b -> partCopy(b, source, target,
                uploadId, 1, "bytes=0-" + (5 * MIB - 1)).copySourceIfMatch("\"0123456789abcdef0123456789abcdef\"")));
        assertEquals(412, refused.statusCode(), "another version than the one named");
        List<CompletedPart> parts = new ArrayList<>();
        for (String range : List.of("bytes=0-" + (5 * MIB - 1), "bytes=" + 5 * MIB + "-" + (body.length - 1))) {
            int number = parts.size() + 1;
            String partTag = viaFront.uploadPartCopy(b -> partCopy(b, source, target, uploadId, number, range)
                    .copySourceIfMatch(eTag)).copyPartResult().eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(partTag).build());
        }
        viaFront.completeMultipartUpload(b -> b.bucket(s3.bucket()).key(target).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));

        assertArrayEquals(body, direct.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(target)).asByteArray());
        assertEquals("video/mp4", direct.headObject(b -> b.bucket(s3.bucket()).key(target)).contentType());
        assertOnlyEventsAfterThisAreNew(); // assets/ is not notified, like the bucket's filters on AWS
    }

    @Test
    void partCopiesIntoANotifiedPrefixAreNoCopiesOnlyTheirCompletionIs() throws Exception {
        String source = "assets/part-source/" + System.nanoTime();
        String target = "staging/parts/" + System.nanoTime() + ".bin";
        byte[] body = bytes(5 * MIB + 10, 12);
        String eTag = direct.putObject(b -> b.bucket(s3.bucket()).key(source), RequestBody.fromBytes(body)).eTag();
        String uploadId = viaFront.createMultipartUpload(b -> b.bucket(s3.bucket()).key(target)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (String range : List.of("bytes=0-" + (5 * MIB - 1), "bytes=" + 5 * MIB + "-" + (body.length - 1))) {
            int number = parts.size() + 1;
            String partTag = viaFront.uploadPartCopy(b -> partCopy(b, source, target, uploadId, number, range)
                    .copySourceIfMatch(eTag)).copyPartResult().eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(partTag).build());
        }

        viaFront.completeMultipartUpload(b -> b.bucket(s3.bucket()).key(target).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));

        // Had a part copy been taken for a CopyObject, its ObjectCreated:Copy would have come first.
        JsonNode record = record(nextEvent());
        assertEquals("ObjectCreated:CompleteMultipartUpload", text(record, "eventName"));
        assertEquals(target, S3Events.decodeKey(text(record, "s3", "object", "key")));
        assertEquals(String.valueOf(body.length), node(record, "s3", "object", "size").asNumber());
        assertOnlyEventsAfterThisAreNew();
    }

    private UploadPartCopyRequest.Builder partCopy(UploadPartCopyRequest.Builder b, String source, String target,
                                                   String uploadId, int partNumber, String range) {
        return b.sourceBucket(s3.bucket()).sourceKey(source).destinationBucket(s3.bucket()).destinationKey(target)
                .uploadId(uploadId).partNumber(partNumber).copySourceRange(range);
    }

    @Test
    void largeDownloadsStreamThroughUnchanged() throws Exception {
        String key = "assets/large.bin";
        byte[] body = bytes(12 * MIB, 7);
        direct.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromBytes(body));

        assertArrayEquals(body, viaFront.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asByteArray());
        assertEquals(body.length, viaFront.headObject(b -> b.bucket(s3.bucket()).key(key)).contentLength());
        var ranged = viaFront.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key).range("bytes=100-199"));
        assertArrayEquals(java.util.Arrays.copyOfRange(body, 100, 200), ranged.asByteArray());
    }

    @Test
    void aFailingSinkDoesNotBreakTheProxy() throws Exception {
        var options = S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), json -> {
            throw new IllegalStateException("sink down");
        });
        try (var failing = S3EventFront.start(options);
             S3Client client = client(failing.endpoint(), new CopyOnWriteArrayList<>())) {
            for (int i = 0; i < 2; i++) {
                String key = "staging/failing-sink/" + i;
                client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromString("x"));
                assertEquals(1, direct.headObject(b -> b.bucket(s3.bucket()).key(key)).contentLength());
            }
        }
    }

    @Test
    void theEventOfARePutNeverOvertakesTheEventOfThePutBeforeIt() throws Exception {
        // The sink is still busy with the first event when the re-PUT is answered: a front that delivered each
        // event on a thread of its own would hand over the re-PUT's event first.
        CountDownLatch rePutAnswered = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Consumer<String> slowAtFirst = json -> {
            if (first.getAndSet(false)) {
                try {
                    rePutAnswered.await(EVENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add(json);
        };
        String key = "staging/reput/" + System.nanoTime() + ".bin";
        try (var ordered = S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), slowAtFirst));
             S3Client client = client(ordered.endpoint(), new CopyOnWriteArrayList<>())) {
            String put = client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromBytes(bytes(10, 1)))
                    .eTag().replace("\"", "");
            String rePut = client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromBytes(bytes(20, 2)))
                    .eTag().replace("\"", "");
            rePutAnswered.countDown();

            List<JsonNode> records = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String event = received.poll(EVENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(event, "no S3 event within " + EVENT_WAIT);
                records.add(record(event));
            }
            assertEquals(List.of(put, rePut), records.stream().map(r -> text(r, "s3", "object", "eTag")).toList(),
                    "the PUT's event, then the re-PUT's");
            String firstSequencer = text(records.get(0), "s3", "object", "sequencer");
            String secondSequencer = text(records.get(1), "s3", "object", "sequencer");
            assertTrue(firstSequencer.compareTo(secondSequencer) < 0, firstSequencer + " then " + secondSequencer);
        }
        assertOnlyEventsAfterThisAreNew();
    }

    @Test
    void closingAFrontDeliversWhatItOwesToItsOwnSinkOnly() throws Exception {
        BlockingQueue<String> own = new LinkedBlockingQueue<>();
        String key = "staging/closing/" + System.nanoTime();
        try (var other = S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), own::add));
             S3Client client = client(other.endpoint(), new CopyOnWriteArrayList<>())) {
            client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromString("x"));
        }

        assertEquals(1, own.size(), "the closed front's event reached its sink before close returned");
        assertEquals(key, S3Events.decodeKey(text(record(own.take()), "s3", "object", "key")));
        assertOnlyEventsAfterThisAreNew(); // and nothing reached this test's front
    }

    /** Sends a notified PUT and checks it is the next event: nothing else was emitted before it. */
    private void assertOnlyEventsAfterThisAreNew() throws InterruptedException {
        String key = "staging/sentinel/" + sentinels.incrementAndGet();
        viaFront.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromString("sentinel"));
        JsonNode record = record(nextEvent());
        assertEquals(key, S3Events.decodeKey(text(record, "s3", "object", "key")), "an unexpected event came first");
    }

    private HttpResponse<String> browserPut(String key, String signedType, byte[] body, String sentType)
            throws Exception {
        URI url = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                        .putObjectRequest(b -> b.bucket(s3.bucket()).key(key).contentType(signedType)))
                .url().toURI();
        var request = HttpRequest.newBuilder(url)
                .header("Content-Type", sentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return browser.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String nextEvent() throws InterruptedException {
        String event = events.poll(EVENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "no S3 event within " + EVENT_WAIT);
        return event;
    }

    private static JsonNode record(String json) {
        JsonNode records = JsonNode.parser().parse(json).field("Records").orElseThrow();
        assertEquals(1, records.asArray().size());
        return records.asArray().getFirst();
    }

    private static JsonNode node(JsonNode node, String... path) {
        JsonNode at = node;
        for (String name : path) {
            at = at.field(name).orElseThrow(() -> new AssertionError("missing " + String.join(".", path)));
        }
        return at;
    }

    private static String text(JsonNode node, String... path) {
        return node(node, path).asString();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static S3Client client(URI endpoint, List<SdkHttpRequest> sent) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.of(s3.region()))
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                }))
                .build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
    }
}
