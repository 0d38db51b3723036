package dev.stowage.localstack.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.localstack.LocalS3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Where s3proxy's own answers differ from S3's, the front answers as S3 does; each case is driven by the
 * client that meets it in practice: curl exactly as the README writes it, the JDK HTTP client as a
 * browser stands in, a raw socket for a body that stops, and the AWS SDK.
 */
class S3FrontAnswersLikeS3Test {
    private static final int MIB = 1024 * 1024;
    private static final Duration IDLE = Duration.ofSeconds(1);

    private static LocalS3Server s3;
    private static S3EventFront front;
    private static S3Client sdk;
    private static S3Presigner presigner;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        s3 = LocalS3Server.ephemeral();
        front = S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), event -> { })
                .withRegion(s3.region()).withIdleTimeout(IDLE));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
        sdk = S3Client.builder().endpointOverride(front.endpoint()).forcePathStyle(true)
                .region(Region.of(s3.region())).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        presigner = S3Presigner.builder().endpointOverride(front.endpoint()).region(Region.of(s3.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        presigner.close();
        sdk.close();
        front.close();
        s3.close();
    }

    @Test
    void curlSendsAnEightMibPartWithItsDefaultFormTypeAndS3TakesIt(@TempDir Path dir) throws Exception {
        String key = "staging/curl/" + System.nanoTime();
        String uploadId = sdk.createMultipartUpload(b -> b.bucket(s3.bucket()).key(key)).uploadId();
        byte[] part = bytes(8 * MIB, 1);
        Path file = Files.write(dir.resolve("part1"), part);
        String url = presigner.presignUploadPart(p -> p.signatureDuration(Duration.ofMinutes(5))
                .uploadPartRequest(b -> b.bucket(s3.bucket()).key(key).uploadId(uploadId).partNumber(1)))
                .url().toString();

        // The README's command, verbatim: curl's --data-binary sends Content-Type: application/x-www-form-urlencoded.
        Process curl = new ProcessBuilder("curl", "-s", "-X", "PUT", "--data-binary", "@part1", url, "-D", "-")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), answer);
        // curl asks for 100 Continue on a large body; the front gives it once S3 has accepted the headers.
        assertTrue(answer.startsWith("HTTP/1.1 100 Continue"), answer);
        assertTrue(answer.contains("\r\nHTTP/1.1 200 "), answer);
        String eTag = answer.lines().filter(l -> l.regionMatches(true, 0, "ETag:", 0, 5)).findFirst()
                .map(l -> l.substring(5).trim()).orElseThrow(() -> new AssertionError("no ETag in " + answer));

        sdk.completeMultipartUpload(b -> b.bucket(s3.bucket()).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(eTag).build())));
        assertArrayEquals(part, sdk.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asByteArray());
    }

    @Test
    void aBodyThatStopsArrivingGetsRequestTimeoutAndStoresNothing() throws Exception {
        String key = "staging/short/" + System.nanoTime();
        URI url = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(b -> b.bucket(s3.bucket()).key(key))).url().toURI();

        try (var socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis()); // the front must answer well before
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: " + url.getAuthority()
                    + "\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[100]); // 900 bytes short, and the connection stays open
            out.flush();
            String answer = readAll(socket.getInputStream());

            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("<Code>RequestTimeout</Code>"), answer);
        }
        assertFalse(exists(key));
    }

    @Test
    void aRefusalBeforeTheBodyReachesAClientThatWaitsForContinueAsAStatusEveryTime() throws Exception {
        for (int i = 0; i < 20; i++) {
            var response = refusedPut(bytes(MIB, i), true);
            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.body().contains("SignatureDoesNotMatch"), response.body());
        }
    }

    @Test
    void aRefusalReachesAClientThatSendsItsWholeBodyUnaskedAsAStatusEveryTime() throws Exception {
        for (int i = 0; i < 10; i++) {
            var response = refusedPut(bytes(8 * MIB, i), false);
            assertEquals(403, response.statusCode(), response.body());
        }
    }

    /** A PUT signed for image/png sent as text/plain: S3 refuses it with 403 SignatureDoesNotMatch. */
    private static HttpResponse<String> refusedPut(byte[] body, boolean expectContinue) throws Exception {
        String key = "staging/refused/" + System.nanoTime();
        URI url = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(b -> b.bucket(s3.bucket()).key(key).contentType("image/png"))).url().toURI();
        // A fresh connection each time, as a refusal closes it.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(HttpRequest.newBuilder(url).expectContinue(expectContinue).header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static boolean exists(String key) {
        try {
            sdk.headObject(b -> b.bucket(s3.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

}
