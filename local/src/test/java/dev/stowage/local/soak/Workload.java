package dev.stowage.local.soak;

import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's clients: each repeats operations picked at random, as an application using Stowage would, through
 * the HTTP API and the presigned URLs it hands out. A 503 with {@code Retry-After}, or storage failing a presigned
 * request (the faults reach clients too), is retried a few times, as a client should; any other 5xx is counted as
 * unexpected. Every answer is counted by operation and status.
 */
public final class Workload {
    private static final JsonMapper JSON = JsonMapper.createDefault();
    private static final int ATTEMPTS = 6;
    /** Images the {@code image} profile takes (variants render), and one it quarantines (a web page). */
    private static final List<Media> IMAGES = List.of(new Media("landscape.jpg", "image/jpeg"),
            new Media("progressive.jpg", "image/jpeg"), new Media("alpha.png", "image/png"),
            new Media("photo.webp", "image/webp"));
    private static final Media QUARANTINED = new Media("html-named.jpg", "image/jpeg");
    private static final int OWNERS = 8;

    private record Media(String name, String contentType, byte[] bytes) {
        Media(String name, String contentType) {
            this(name, contentType, TestMedia.bytes(name));
        }
    }

    /**
     * Operations done, answers by operation and status, and the answers no operation expects (a 5xx other than
     * 503, and any other surprise) with examples.
     */
    public record Tally(Map<String, Long> operations, Map<String, Long> answers, long unexpected5xx, long unexpectedOther,
                 List<String> examples) {}

    private final URI api;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** For export download links, which answer the bytes or a 303 to a presigned GET. */
    private final HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NORMAL).build();
    private final Map<String, LongAdder> operations = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> answers = new ConcurrentSkipListMap<>();
    private final LongAdder unexpected5xx = new LongAdder();
    private final LongAdder unexpectedOther = new LongAdder();
    private final List<String> examples = new CopyOnWriteArrayList<>();
    /** Assets uploaded so far: what attaches and deliveries pick from. */
    private final List<String> assets = new CopyOnWriteArrayList<>();

    Workload(URI api, String token) {
        this.api = api;
        this.token = token;
    }

    Tally tally() {
        return new Tally(sums(operations), sums(answers), unexpected5xx.sum(), unexpectedOther.sum(),
                List.copyOf(examples));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Every operation, in the order a client first does them. */
    public static final List<String> OPERATIONS = List.of("direct", "multipart", "resumable", "proxied", "cancel", "abandon",
            "quarantined", "attach", "deliver", "export", "staged-file");

    /**
     * One client's loop: every operation once (from the {@code first}th on, so clients start at different ones),
     * then operations picked at random by weight until {@code stop}.
     */
    void client(Random random, int first, AtomicBoolean stop) {
        for (int done = 0; done < OPERATIONS.size() || !stop.get(); done++) {
            String op;
            if (done < OPERATIONS.size()) {
                op = OPERATIONS.get((first + done) % OPERATIONS.size());
            } else {
                int pick = random.nextInt(100);
                op = pick < 22 ? "direct" : pick < 32 ? "multipart" : pick < 38 ? "resumable" : pick < 44
                        ? "proxied" : pick < 50 ? "cancel" : pick < 53 ? "abandon" : pick < 58 ? "quarantined"
                        : pick < 72 ? "attach" : pick < 80 ? "deliver" : pick < 88 ? "export" : "staged-file";
            }
            operations.computeIfAbsent(op, k -> new LongAdder()).increment();
            try {
                switch (op) {
                    case "direct" -> direct(image(random), random.nextBoolean());
                    case "multipart" -> multipart(random, "multipart");
                    case "resumable" -> multipart(random, "resumable");
                    case "proxied" -> proxied(random);
                    case "cancel" -> cancel(random);
                    case "abandon" -> abandon(random);
                    case "quarantined" -> direct(QUARANTINED, true);
                    case "attach" -> {
                        if (done < OPERATIONS.size()) {
                            attachOwn(random);
                        } else {
                            attach(random);
                        }
                    }
                    case "deliver" -> deliver(random);
                    case "export" -> export(random);
                    default -> stagedFile(random);
                }
            } catch (GaveUp e) {
                // Counted where it happened; the next operation goes on.
            }
        }
    }

    private Media image(Random random) {
        return IMAGES.get(random.nextInt(IMAGES.size()));
    }

    private Map<String, Object> initiate(Media media, String strategy) {
        return json(call("initiate", "POST", "/v1/uploads", Map.of("profile", "image", "filename", media.name(),
                "contentType", media.contentType(), "byteSize", media.bytes().length, "strategy", strategy), 201));
    }

    /** Initiate, sign and PUT: the session, whose S3 event promotes it without a {@code complete}. */
    private Map<String, Object> putDirect(Media media) {
        Map<String, Object> session = initiate(media, "direct");
        put("put", json(call("sign", "POST", "/v1/uploads/" + session.get("id") + "/url", null, 200)),
                media.bytes());
        return session;
    }

    private void direct(Media media, boolean complete) {
        Map<String, Object> session = putDirect(media);
        String id = (String) session.get("id");
        if (complete) {
            call("complete", "POST", "/v1/uploads/" + id + "/complete", null, 200, 202, 409);
        }
        if (media != QUARANTINED) {
            assets.add((String) session.get("assetId"));
        }
    }

    private void multipart(Random random, String strategy) {
        Media media = image(random);
        Map<String, Object> session = initiate(media, strategy);
        String id = (String) session.get("id");
        int parts = ((Number) session.get("partCount")).intValue();
        long partSize = ((Number) session.get("partSize")).longValue();
        List<Map<String, Object>> done = new ArrayList<>();
        for (int n = 1; n <= parts; n++) {
            Map<String, Object> signed = json(call("sign-part", "POST", "/v1/uploads/" + id + "/parts/" + n + "/url",
                    null, 200));
            int from = (int) ((n - 1) * partSize);
            int to = (int) Math.min(media.bytes().length, from + partSize);
            HttpResponse<byte[]> answer = put("put-part", signed, java.util.Arrays.copyOfRange(media.bytes(), from,
                    to));
            done.add(Map.of("partNumber", n, "etag", answer.headers().firstValue("ETag").orElseThrow()));
        }
        if ("resumable".equals(strategy)) {
            call("get-session", "GET", "/v1/uploads/" + id, null, 200);
        }
        call("complete", "POST", "/v1/uploads/" + id + "/complete", Map.of("parts", done), 200, 202, 409);
        assets.add((String) session.get("assetId"));
    }

    private void proxied(Random random) {
        Media media = image(random);
        HttpResponse<String> answer = send("proxied", HttpRequest.newBuilder(api.resolve(
                "/v1/uploads/proxied?profile=image&filename=" + media.name()))
                .header("Content-Type", media.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(
                        media.bytes())), 201, 200);
        Object asset = json(answer).get("assetId");
        assets.add((String) (asset != null ? asset : json(answer).get("id")));
    }

    private void cancel(Random random) {
        Media media = image(random);
        Map<String, Object> session = initiate(media, "direct");
        String id = (String) session.get("id");
        Map<String, Object> signed = json(call("sign", "POST", "/v1/uploads/" + id + "/url", null, 200));
        if (random.nextBoolean()) {
            put("put", signed, media.bytes()); // its S3 event races the cancel
        }
        call("cancel", "DELETE", "/v1/uploads/" + id, null, 200, 204, 409);
    }

    /** A session its client never finishes: it stays open until it expires. */
    private void abandon(Random random) {
        String strategy = random.nextBoolean() ? "direct" : "multipart";
        Map<String, Object> session = initiate(image(random), strategy);
        String id = (String) session.get("id");
        call("sign", "POST", "/v1/uploads/" + id + ("direct".equals(strategy) ? "/url" : "/parts/1/url"), null, 200);
    }

    private void attach(Random random) {
        if (assets.isEmpty()) {
            return;
        }
        String slot = "/v1/owners/user/" + random.nextInt(OWNERS) + "/slots/" + (random.nextBoolean() ? "avatar"
                : "cover");
        int roll = random.nextInt(10);
        if (roll < 7) {
            // 409/422: the asset is not servable yet (still verifying), or was quarantined.
            call("attach", "PUT", slot, Map.of("assetId", assets.get(random.nextInt(assets.size()))), 200, 404, 409,
                    422);
        } else if (roll < 9) {
            call("detach", "DELETE", slot, null, 204);
        } else {
            call("read-slot", "GET", slot, null, 200, 404);
        }
    }

    /** Uploads an image, waits until it is servable, and attaches it: every client does this once. */
    private void attachOwn(Random random) {
        String asset = (String) putDirect(image(random)).get("assetId");
        assets.add(asset);
        String state = "";
        for (int i = 0; i < 300 && !List.of("available", "processing", "ready").contains(state); i++) {
            pause(100);
            state = (String) json(call("get-asset", "GET", "/v1/assets/" + asset, null, 200)).get("state");
        }
        call("attach", "PUT", "/v1/owners/user/" + random.nextInt(OWNERS) + "/slots/avatar", Map.of("assetId",
                asset), 200);
    }

    private void deliver(Random random) {
        if (assets.isEmpty()) {
            return;
        }
        String asset = assets.get(random.nextInt(assets.size()));
        String query = random.nextBoolean() ? "?variant=thumb" : "?disposition=attachment";
        HttpResponse<String> answer = call("delivery-url", "GET", "/v1/assets/" + asset + "/url" + query, null, 200,
                404, 409, 422);
        if (answer.statusCode() == 200) {
            URI url = URI.create((String) json(answer).get("url"));
            retrying("delivery-get", () -> PresignedHttp.send(url, "GET", Map.of(), null), 200);
        }
    }

    private void export(Random random) {
        boolean async = random.nextInt(3) == 0;
        HttpResponse<String> created = call("export", "POST", "/v1/exports", random.nextBoolean()
                ? Map.of("filename", "assets.csv", "format", "csv", "contentType", "text/csv", "generator",
                "asset-inventory", "async", async, "ttlSeconds", 3600)
                : Map.of("filename", "note.txt", "format", "csv", "contentType", "text/csv", "content",
                "id,name\n1,one\n", "ttlSeconds", 3600), 201, 202);
        Map<String, Object> export = json(created);
        String id = (String) export.get("id");
        for (int i = 0; i < 100 && "pending".equals(export.get("state")); i++) {
            pause(100);
            export = json(call("export-poll", "GET", "/v1/exports/" + id, null, 200));
        }
        if ("ready".equals(export.get("state"))) {
            URI link = api.resolve((String) export.get("downloadUrl"));
            HttpRequest download = HttpRequest.newBuilder(link).GET().build();
            retrying("export-download", () -> exchange(following, download, HttpResponse.BodyHandlers.ofByteArray()),
                    200);
            if (random.nextInt(4) == 0) {
                call("export-delete", "DELETE", "/v1/exports/" + id, null, 204);
            }
        }
    }

    private void stagedFile(Random random) {
        // A few distinct contents, so staging the same bytes again (dedupe) is common.
        Media media = image(random);
        byte[] bytes = media.bytes();
        String checksum = sha256(bytes);
        HttpResponse<String> staged = call("stage", "POST", "/v1/staged-files", Map.of("checksumSha256", checksum,
                "name", media.name(), "size", bytes.length, "contentType", media.contentType(), "ttlSeconds", 3600),
                200, 201);
        Map<String, Object> body = json(staged);
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) body.get("stagedFile");
        if (Boolean.TRUE.equals(body.get("uploadRequired"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> upload = (Map<String, Object>) body.get("upload");
            put("staged-put", upload, bytes);
        }
        if (random.nextInt(5) == 0) {
            call("staged-delete", "DELETE", "/v1/staged-files/" + entry.get("id"), null, 200, 204, 404);
        }
    }

    // ---- HTTP, with the retries a client owes a 503 and a storage failure ----

    /** Signals that an operation gave up (counted as an answer already). */
    private static final class GaveUp extends RuntimeException {
        GaveUp() {
            super(null, null, false, false);
        }
    }

    private HttpResponse<String> call(String what, String method, String path, Object body, int... expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return send(what, request, expected);
    }

    private HttpResponse<String> send(String what, HttpRequest.Builder request, int... expected) {
        HttpRequest built = request.header("Authorization", "Bearer " + token).build();
        return retrying(what, () -> exchange(http, built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)),
                expected);
    }

    /** One request; a broken connection is an {@link UncheckedIOException}, which {@link #retrying} retries. */
    private static <T> HttpResponse<T> exchange(HttpClient client, HttpRequest request,
                                                HttpResponse.BodyHandler<T> body) {
        try {
            return client.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<byte[]> put(String what, Map<String, Object> signed, byte[] bytes) {
        URI url = URI.create((String) signed.get("url"));
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) signed.getOrDefault("headers", Map.of());
        return retrying(what, () -> PresignedHttp.send(url, "PUT", headers, bytes), 200);
    }

    /**
     * Sends until the answer is one of {@code expected}: a 503, or storage's 500 and a broken connection on a
     * presigned request, are retried with back-off; anything else ends the operation, an unexpected 5xx counted.
     */
    private <T> HttpResponse<T> retrying(String what, java.util.function.Supplier<HttpResponse<T>> send,
                                         int... expected) {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<T> answer;
            try {
                answer = send.get();
            } catch (UncheckedIOException e) {
                count(what, "io");
                if (attempt < ATTEMPTS) {
                    pause(50L << attempt);
                    continue;
                }
                throw new GaveUp();
            }
            int status = answer.statusCode();
            count(what, Integer.toString(status));
            for (int ok : expected) {
                if (ok == status) {
                    return answer;
                }
            }
            // A presigned request to storage: the fault proxy before the S3 front is on its way too.
            boolean storage = !answer.uri().getPath().startsWith("/v1/");
            boolean retryable = status == 503 || (storage && status == 500);
            if (retryable && attempt < ATTEMPTS) {
                pause(answer.headers().firstValue("Retry-After").map(s -> 200L).orElse(50L << attempt));
                continue;
            }
            if (!retryable) {
                // A 503 (or storage's 500) that outlasted the retries is a fault lasting longer than a client
                // waits, not a wrong answer; anything else outside the expected answers is.
                (status >= 500 ? unexpected5xx : unexpectedOther).increment();
                if (examples.size() < 20) {
                    String body = String.valueOf(answer.body());
                    examples.add(what + " " + status + " " + body.substring(0, Math.min(160, body.length())));
                }
            }
            throw new GaveUp();
        }
    }

    private void count(String what, String status) {
        answers.computeIfAbsent(what + " " + status, k -> new LongAdder()).increment();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> answer) {
        try {
            return JSON.readValue(answer.body(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client's back-off or poll interval (not synchronisation: the next request checks the state). */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
