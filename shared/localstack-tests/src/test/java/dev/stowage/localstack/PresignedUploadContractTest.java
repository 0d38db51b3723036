package dev.stowage.localstack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the upload design relies on, checked against s3proxy: a presigned PUT pins length, type and SHA-256,
 * the checksum is stored and returned by HEAD, and CopyObject works. A browser-style client
 * (java.net.http, which computes Content-Length from the body) sends the presigned requests.
 */
class PresignedUploadContractTest {

    private static final String BUCKET = "contract";
    private static final byte[] BODY = "twenty-one bytes long".getBytes(StandardCharsets.UTF_8);
    // Headers java.net.http sets itself and refuses to take from the caller.
    private static final Set<String> RESTRICTED = Set.of("host", "content-length");

    private static LocalS3Server s3;
    private static S3Client client;
    private static S3Presigner presigner;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        s3 = LocalS3Server.start(Optional.empty(), 0, BUCKET, Map.of());
        client = S3Clients.client(s3);
        presigner = S3Clients.presigner(s3);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        presigner.close();
        client.close();
        s3.close();
    }

    @Test
    void presignedPutSignsContentLengthAndRefusesWrongLength() throws Exception {
        var url = presignPut("length", b -> b.contentType("text/plain").contentLength((long) BODY.length));
        assertEquals(String.valueOf(BODY.length), url.signedHeaders().get("content-length").getFirst());

        assertEquals(403, send(url, "twenty-one bytes long, and more".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(403, send(url, "short".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertThrows(NoSuchKeyException.class, () -> head("length"));
        assertEquals(200, send(url, BODY).statusCode());
    }

    @Test
    void presignedPutRefusesWrongContentType() throws Exception {
        var url = presignPut("type", b -> b.contentType("image/jpeg").contentLength((long) BODY.length));
        var request = HttpRequest.newBuilder(url.url().toURI())
                .header("Content-Type", "image/png")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();

        assertEquals(403, http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void presignedPutSignsChecksumAndRefusesOtherBytesOfSameLength() throws Exception {
        var url = presignPut("checksum", b -> b.contentType("text/plain").contentLength((long) BODY.length)
                .checksumSHA256(sha256(BODY)));
        assertEquals(sha256(BODY), url.signedHeaders().get("x-amz-checksum-sha256").getFirst());
        byte[] tampered = BODY.clone();
        tampered[0] = 'T';

        var refused = send(url, tampered);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("BadDigest"), refused.body());
        assertThrows(NoSuchKeyException.class, () -> head("checksum"));
        assertEquals(200, send(url, BODY).statusCode());
    }

    @Test
    void headReturnsStoredSha256() throws Exception {
        var url = presignPut("head", b -> b.contentType("text/plain").contentLength((long) BODY.length)
                .checksumSHA256(sha256(BODY)));
        assertEquals(200, send(url, BODY).statusCode());

        HeadObjectResponse head = head("head");

        assertEquals(sha256(BODY), head.checksumSHA256());
        assertEquals("text/plain", head.contentType());
        assertEquals(BODY.length, head.contentLength());
    }

    @Test
    void copyObjectKeepsBytesAndChecksumAndCanReplaceMetadata() {
        client.putObject(b -> b.bucket(BUCKET).key("original").contentType("text/plain").checksumSHA256(sha256(BODY)),
                RequestBody.fromBytes(BODY));

        client.copyObject(b -> b.sourceBucket(BUCKET).sourceKey("original").destinationBucket(BUCKET).destinationKey("copy"));
        client.copyObject(b -> b.sourceBucket(BUCKET).sourceKey("original").destinationBucket(BUCKET).destinationKey("retyped")
                .metadataDirective(MetadataDirective.REPLACE).contentType("image/png").metadata(Map.of("asset", "42")));

        assertArrayEquals(BODY, client.getObjectAsBytes(b -> b.bucket(BUCKET).key("copy")).asByteArray());
        assertEquals(sha256(BODY), head("copy").checksumSHA256());
        assertEquals("image/png", head("retyped").contentType());
        assertEquals(Map.of("asset", "42"), head("retyped").metadata());
    }

    @Test
    void corsPreflightAllowsBrowserPutToNewKey() throws Exception {
        var url = presignPut("never-written", b -> b.contentType("image/jpeg").contentLength(1L));
        var preflight = HttpRequest.newBuilder(url.url().toURI())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "content-type,x-amz-checksum-sha256")
                .build();

        var response = http.send(preflight, HttpResponse.BodyHandlers.discarding());

        assertEquals(200, response.statusCode());
        assertEquals("*", response.headers().firstValue("access-control-allow-origin").orElse(""));
        assertTrue(response.headers().firstValue("access-control-allow-methods").orElse("").contains("PUT"));
        assertTrue(response.headers().firstValue("access-control-allow-headers").orElse("").contains("x-amz-checksum-sha256"));
    }

    private static PresignedPutObjectRequest presignPut(String key, java.util.function.Consumer<PutObjectRequest.Builder> spec) {
        return presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(b -> spec.accept(b.bucket(BUCKET).key(key))));
    }

    private static HttpResponse<String> send(PresignedPutObjectRequest url, byte[] body)
            throws IOException, InterruptedException {
        var builder = HttpRequest.newBuilder(java.net.URI.create(url.url().toString()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        url.signedHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HeadObjectResponse head(String key) {
        return client.headObject(b -> b.bucket(BUCKET).key(key).checksumMode(ChecksumMode.ENABLED));
    }

    private static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
