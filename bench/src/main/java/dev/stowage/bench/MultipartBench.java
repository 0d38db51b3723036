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
import java.util.LinkedHashMap;
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
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Issues 3 and 11: a 200 MiB file four ways, all to the local S3 front, 8 MiB parts, 4 at a time:
 * <ul>
 *   <li><b>Stowage</b>: initiate, every part signed in one call, the part PUTs, complete (= assemble at the
 *       asset's original + verify + probe + promote, with no copy);</li>
 *   <li><b>Stowage, a sign call per part</b>: the same, signing each part just before its PUT (the older client);</li>
 *   <li><b>raw floor</b>: the same presigned part PUTs (same part size, same HTTP client, same request) with no
 *       Stowage call before, between or after them: the upload is created, every part presigned up front (SDK
 *       presigner, each bound to its length as Stowage's are) and the upload completed directly with the SDK;</li>
 *   <li><b>SDK</b>: the AWS SDK's own multipart API (create, 4 parallel UploadPart, complete), no Stowage.</li>
 * </ul>
 * Each round runs them in a rotated order, so machine noise lands on all; reports MiB/s medians, Stowage's
 * {@code complete} call and the floor's {@code CompleteMultipartUpload} on their own, and the ratios.
 */
public final class MultipartBench {
    static final int MIB = 1 << 20;
    static final int PARALLEL = 4;
    static final int PART_SIZE = 8 * MIB;

    public static void main(String[] args) throws Exception {
        int sizeMib = Integer.getInteger("bench.multipartMib", 200);
        // A size in KiB (bench.multipartKib) replaces the MiB one: the small end of the promotion's size range.
        Integer sizeKib = Integer.getInteger("bench.multipartKib");
        int rounds = Integer.getInteger("bench.rounds", 5);
        byte[] file = Arrays.copyOf(Files.readAllBytes(Path.of(System.getProperty("bench.mp4"))),
                sizeKib != null ? sizeKib * 1024 : sizeMib * MIB);
        String size = sizeKib != null ? sizeKib + " KiB" : sizeMib + " MiB";
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            String token = DevTokens.mint(secret, "bench", Duration.ofHours(1));
            JsonMapper json = stack.context().getBean(JsonMapper.class);
            var settings = stack.context().getBean(dev.stowage.storage.s3.StorageSettings.class);
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    settings.accessKeyId(), settings.secretAccessKey()));
            try (S3Client s3 = S3Client.builder()
                    .endpointOverride(stack.s3Endpoint()).forcePathStyle(true).region(Region.of(settings.region()))
                    .credentialsProvider(credentials)
                    .httpClient(UrlConnectionHttpClient.create())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
                 // Signs as Stowage's own presigner does: same endpoint (the front), region, credentials, path style.
                 S3Presigner presigner = S3Presigner.builder()
                    .endpointOverride(stack.s3Endpoint()).region(Region.of(settings.region()))
                    .credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
                 ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<Side> sides = List.of(
                        new Side("stowage", () -> stowageUpload(stack, http, json, token, file, pool, true)),
                        new Side("stowage-per-part", () -> stowageUpload(stack, http, json, token, file, pool, false)),
                        new Side("raw", () -> rawUpload(s3, presigner, http, stack.bucket(), file, pool)),
                        new Side("sdk", () -> sdkUpload(s3, stack.bucket(), file, pool)));
                for (Side side : sides) {
                    Timing warm = side.upload.run(); // warm-up, every side
                    if (warm.uploaded() != null) {
                        s3.deleteObject(b -> b.bucket(stack.bucket()).key(warm.uploaded()));
                    }
                }
                Map<String, List<Double>> rates = new LinkedHashMap<>();
                Map<String, List<Double>> completeSeconds = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < sides.size(); i++) {
                        Side side = sides.get((i + r) % sides.size());
                        long start = System.nanoTime();
                        Timing timing = side.upload.run();
                        double seconds = (System.nanoTime() - start) / 1e9;
                        if (timing.uploaded() != null) {
                            s3.deleteObject(b -> b.bucket(stack.bucket()).key(timing.uploaded()));
                        }
                        rates.computeIfAbsent(side.name, k -> new ArrayList<>()).add(file.length / (double) MIB / seconds);
                        completeSeconds.computeIfAbsent(side.name, k -> new ArrayList<>()).add(timing.completeSeconds());
                    }
                }
                double stowage = median(rates.get("stowage"));
                double raw = median(rates.get("raw"));
                double perPart = median(rates.get("stowage-per-part"));
                double sdk = median(rates.get("sdk"));
                System.out.printf("%n| path (%s, %d parallel parts, %d MiB parts) | MiB/s (median of %d) | runs |%n"
                        + "|---|---:|---|%n"
                        + "| Stowage multipart (initiate, parts signed in one call, PUT parts, complete: assemble at the"
                        + " original + verify + probe + promote) | %.1f | %s |%n"
                        + "| Stowage multipart, a sign call before each part | %.1f | %s |%n"
                        + "| Raw floor: the same presigned part PUTs, no Stowage call (SDK create, presign, complete) | %.1f | %s |%n"
                        + "| AWS SDK multipart, no Stowage | %.1f | %s |%n"
                        + "| **Stowage / raw floor** | **%.2f** (a sign call per part: %.2f) | goal >= 0.90 |%n"
                        + "| **Stowage / SDK** | **%.2f** | |%n",
                        size, PARALLEL, PART_SIZE / MIB, rounds, stowage, fmt(rates.get("stowage")), perPart,
                        fmt(rates.get("stowage-per-part")), raw, fmt(rates.get("raw")), sdk, fmt(rates.get("sdk")),
                        stowage / raw, perPart / raw, stowage / sdk);
                System.out.printf("%nStowage's complete call (assemble at the original, verify, probe, promote; no"
                        + " copy): median %.2f s of the upload's %.2f s; the floor's CompleteMultipartUpload: median"
                        + " %.2f s of its %.2f s%n", median(completeSeconds.get("stowage")),
                        file.length / (double) MIB / stowage, median(completeSeconds.get("raw")),
                        file.length / (double) MIB / raw);
            }
        }
    }

    /** One way to upload the file; its name keys the results. */
    record Side(String name, Upload upload) {}

    interface Upload {
        Timing run() throws Exception;
    }

    /**
     * What an upload reports beyond its total: the time of Stowage's complete call (0 for the others), and the
     * object to delete once the clock has stopped (null: Stowage's asset stays, as a user's would).
     */
    record Timing(double completeSeconds, String uploaded) {}

    @SuppressWarnings("unchecked")
    static Timing stowageUpload(LocalStack stack, HttpClient http, JsonMapper json, String token, byte[] file,
                                ExecutorService pool, boolean signAhead) throws Exception {
        Map<String, Object> created = json.readValue(send(http, stack, token, "/v1/uploads",
                "{\"profile\":\"video\",\"filename\":\"big.bin\",\"contentType\":\"video/mp4\",\"byteSize\":"
                        + file.length + ",\"strategy\":\"multipart\"}", 201), Map.class);
        String id = (String) created.get("id");
        long partSize = ((Number) created.get("partSize")).longValue();
        int partCount = ((Number) created.get("partCount")).intValue();
        if (partSize != Math.min(PART_SIZE, file.length)) { // a file of one part is one part on every side
            throw new IllegalStateException("Stowage planned " + partSize + "-byte parts, the other sides use " + PART_SIZE);
        }
        List<URI> urls = new ArrayList<>();
        if (signAhead) {
            StringBuilder numbers = new StringBuilder();
            for (int n = 1; n <= partCount; n++) {
                numbers.append(n == 1 ? "" : ",").append(n);
            }
            Map<String, Object> signed = json.readValue(send(http, stack, token, "/v1/uploads/" + id + "/parts/urls",
                    "{\"partNumbers\":[" + numbers + "]}", 200), Map.class);
            for (Map<String, Object> part : (List<Map<String, Object>>) signed.get("parts")) {
                urls.add(URI.create((String) part.get("url")));
            }
        }
        List<Future<String>> etags = new ArrayList<>();
        for (int n = 1; n <= partCount; n++) {
            int part = n;
            etags.add(pool.submit(() -> {
                URI url = signAhead ? urls.get(part - 1) : URI.create((String) json.readValue(send(http, stack, token,
                        "/v1/uploads/" + id + "/parts/" + part + "/url", "", 200), Map.class).get("url"));
                return putPart(http, url, file, part);
            }));
        }
        StringBuilder parts = new StringBuilder();
        for (int n = 1; n <= partCount; n++) {
            parts.append(n == 1 ? "" : ",").append("{\"partNumber\":").append(n).append(",\"etag\":")
                    .append(json.writeValueAsString(etags.get(n - 1).get())).append('}');
        }
        long completing = System.nanoTime();
        Map<String, Object> asset = json.readValue(send(http, stack, token, "/v1/uploads/" + id + "/complete",
                "{\"parts\":[" + parts + "]}", 200), Map.class);
        double completeSeconds = (System.nanoTime() - completing) / 1e9;
        // A real MP4 padded to size: sniffed video/mp4, so it is promoted (where it was assembled: no copy); with
        // nothing to render for its kind the asset is ready at once, else processing.
        if (!List.of("available", "processing", "ready").contains(asset.get("state"))) {
            throw new IllegalStateException("complete left the asset " + asset.get("state"));
        }
        return new Timing(completeSeconds, null);
    }

    /** The floor under Stowage's path: its part PUTs exactly, and nothing of Stowage around them. */
    static Timing rawUpload(S3Client s3, S3Presigner presigner, HttpClient http, String bucket, byte[] file,
                            ExecutorService pool) throws Exception {
        String key = "bench-raw/" + System.nanoTime();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("video/mp4")).uploadId();
        int partCount = (file.length + PART_SIZE - 1) / PART_SIZE;
        List<URI> urls = new ArrayList<>();
        for (int n = 1; n <= partCount; n++) {
            int part = n;
            long length = partLength(file, part);
            urls.add(presigner.presignUploadPart(p -> p.signatureDuration(Duration.ofMinutes(15))
                    .uploadPartRequest(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(part)
                            .contentLength(length))).url().toURI());
        }
        List<Future<CompletedPart>> parts = new ArrayList<>();
        for (int n = 1; n <= partCount; n++) {
            int part = n;
            parts.add(pool.submit(() -> CompletedPart.builder().partNumber(part)
                    .eTag(putPart(http, urls.get(part - 1), file, part)).build()));
        }
        List<CompletedPart> done = new ArrayList<>();
        for (Future<CompletedPart> f : parts) {
            done.add(f.get());
        }
        long completing = System.nanoTime();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(done)));
        return new Timing((System.nanoTime() - completing) / 1e9, key);
    }

    /** One part PUT as both presigned sides send it: same client, same request, the part's bytes. */
    static String putPart(HttpClient http, URI url, byte[] file, int part) throws Exception {
        int from = (part - 1) * PART_SIZE;
        int length = (int) partLength(file, part);
        var put = http.send(HttpRequest.newBuilder(url).expectContinue(true)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(file, from, length)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (put.statusCode() != 200) {
            throw new IllegalStateException("part " + part + " PUT answered " + put.statusCode());
        }
        return put.headers().firstValue("ETag").orElseThrow();
    }

    static long partLength(byte[] file, int part) {
        return Math.min(PART_SIZE, file.length - (long) (part - 1) * PART_SIZE);
    }

    static Timing sdkUpload(S3Client s3, String bucket, byte[] file, ExecutorService pool) throws Exception {
        String key = "bench-sdk/" + System.nanoTime();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        int partCount = (file.length + PART_SIZE - 1) / PART_SIZE;
        List<Future<CompletedPart>> parts = new ArrayList<>();
        for (int n = 1; n <= partCount; n++) {
            int part = n;
            parts.add(pool.submit(() -> {
                int from = (part - 1) * PART_SIZE;
                int length = (int) partLength(file, part);
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
        return new Timing(0, key);
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
