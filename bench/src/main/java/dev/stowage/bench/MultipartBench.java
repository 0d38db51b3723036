package dev.stowage.bench;

import dev.stowage.local.DevTokens;
import dev.stowage.local.LocalStack;
import io.micronaut.json.JsonMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Issue 3: a 200 MiB file through Stowage's multipart path (initiate, sign each part, 4 parallel part
 * PUTs, complete = verify + probe + promote) against the same bytes through the AWS SDK's own multipart
 * API (create, 4 parallel UploadPart, complete) with no Stowage in the loop, both to the local S3 front.
 * Alternating rounds so machine noise lands on both; reports MiB/s medians and the ratio.
 */
public final class MultipartBench {
    static final int MIB = 1 << 20;
    static final int PARALLEL = 4;

    public static void main(String[] args) throws Exception {
        int sizeMib = Integer.getInteger("bench.multipartMib", 200);
        int rounds = Integer.getInteger("bench.rounds", 3);
        byte[] file = Arrays.copyOf(Files.readAllBytes(Path.of(System.getProperty("bench.mp4"))), sizeMib * MIB);
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            String token = DevTokens.mint(secret, "bench", Duration.ofHours(1));
            JsonMapper json = stack.context().getBean(JsonMapper.class);
            var settings = stack.context().getBean(dev.stowage.storage.s3.StorageSettings.class);
            try (S3Client s3 = S3Client.builder()
                    .endpointOverride(stack.s3Endpoint()).forcePathStyle(true).region(Region.of(settings.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            settings.accessKeyId(), settings.secretAccessKey())))
                    .httpClient(UrlConnectionHttpClient.create())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
                 ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<Double> stowage = new ArrayList<>();
                List<Double> sdk = new ArrayList<>();
                stowageUpload(stack, http, json, token, file, pool); // warm-up, both sides
                sdkUpload(s3, stack.bucket(), file, 8 * MIB, pool);
                for (int r = 0; r < rounds; r++) {
                    stowage.add(mibPerSecond(file.length, () -> stowageUpload(stack, http, json, token, file, pool)));
                    sdk.add(mibPerSecond(file.length, () -> sdkUpload(s3, stack.bucket(), file, 8 * MIB, pool)));
                }
                double s = median(stowage);
                double b = median(sdk);
                System.out.printf("%n| path (%d MiB, %d parallel parts, 8 MiB parts) | MiB/s (median of %d) | runs |%n"
                        + "|---|---|---|%n| Stowage multipart (initiate, sign, PUT parts, complete+verify+promote) | %.1f | %s |%n"
                        + "| AWS SDK multipart, no Stowage | %.1f | %s |%n| **ratio Stowage / SDK** | **%.2f** | |%n",
                        sizeMib, PARALLEL, rounds, s, fmt(stowage), b, fmt(sdk), s / b);
            }
        }
    }

    interface Upload {
        void run() throws Exception;
    }

    static double mibPerSecond(long bytes, Upload upload) throws Exception {
        long start = System.nanoTime();
        upload.run();
        return bytes / (double) MIB / ((System.nanoTime() - start) / 1e9);
    }

    @SuppressWarnings("unchecked")
    static void stowageUpload(LocalStack stack, HttpClient http, JsonMapper json, String token, byte[] file,
                              ExecutorService pool) throws Exception {
        Map<String, Object> created = json.readValue(send(http, stack, token, "/v1/uploads",
                "{\"profile\":\"video\",\"filename\":\"big.bin\",\"contentType\":\"video/mp4\",\"byteSize\":"
                        + file.length + ",\"strategy\":\"multipart\"}", 201), Map.class);
        String id = (String) created.get("id");
        long partSize = ((Number) created.get("partSize")).longValue();
        int partCount = ((Number) created.get("partCount")).intValue();
        List<Future<String>> etags = new ArrayList<>();
        for (int n = 1; n <= partCount; n++) {
            int part = n;
            etags.add(pool.submit(() -> {
                Map<String, Object> signed = json.readValue(send(http, stack, token,
                        "/v1/uploads/" + id + "/parts/" + part + "/url", "", 200), Map.class);
                int from = (int) ((part - 1) * partSize);
                int length = (int) Math.min(partSize, file.length - from);
                var put = http.send(HttpRequest.newBuilder(URI.create((String) signed.get("url"))).expectContinue(true)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(file, from, length)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (put.statusCode() != 200) {
                    throw new IllegalStateException("part " + part + " PUT answered " + put.statusCode());
                }
                return put.headers().firstValue("ETag").orElseThrow();
            }));
        }
        StringBuilder parts = new StringBuilder();
        for (int n = 1; n <= partCount; n++) {
            parts.append(n == 1 ? "" : ",").append("{\"partNumber\":").append(n).append(",\"etag\":")
                    .append(json.writeValueAsString(etags.get(n - 1).get())).append('}');
        }
        Map<String, Object> asset = json.readValue(send(http, stack, token, "/v1/uploads/" + id + "/complete",
                "{\"parts\":[" + parts + "]}", 200), Map.class);
        // A real MP4 padded to size: sniffed video/mp4, so it is promoted (a 200 MiB server-side copy).
        if (!"available".equals(asset.get("state"))) {
            throw new IllegalStateException("complete left the asset " + asset.get("state"));
        }
    }

    static void sdkUpload(S3Client s3, String bucket, byte[] file, int partSize, ExecutorService pool)
            throws Exception {
        String key = "bench-sdk/" + System.nanoTime();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        int partCount = (file.length + partSize - 1) / partSize;
        List<Future<CompletedPart>> parts = new ArrayList<>();
        for (int n = 1; n <= partCount; n++) {
            int part = n;
            parts.add(pool.submit(() -> {
                int from = (part - 1) * partSize;
                int length = Math.min(partSize, file.length - from);
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(part),
                        RequestBody.fromBytes(Arrays.copyOfRange(file, from, from + length))).eTag();
                return CompletedPart.builder().partNumber(part).eTag(etag).build();
            }));
        }
        List<CompletedPart> done = new ArrayList<>();
        for (Future<CompletedPart> f : parts) {
            done.add(f.get());
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(done)));
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    static String send(HttpClient http, LocalStack stack, String token, String path, String body, int expected)
            throws Exception {
        var response = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.1f", x)).toList().toString();
    }
}
