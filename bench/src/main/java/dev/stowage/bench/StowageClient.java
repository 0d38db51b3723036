package dev.stowage.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Stowage side: a client of the local stack's HTTP API doing the direct-upload lifecycle, as a browser or app
 * would. One {@link HttpClient} (HTTP/1.1, pooled connections) is shared by all clients.
 */
final class StowageClient implements Load.Workload {
    private static final Pattern FIRST_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
    private static final Pattern ASSET_ID = Pattern.compile("\"assetId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
    private static final Pattern FIRST_STATE = Pattern.compile("\"state\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern HEADERS = Pattern.compile("\"headers\"\\s*:\\s*\\{([^}]*)}");
    private static final Pattern PAIR = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"");
    /** States an asset passes through while another invocation (the S3 event) holds the verification lane. */
    private static final Set<String> IN_FLIGHT = Set.of("staged", "validating", "analyzing", "promoting");
    private static final int COMPLETE_ATTEMPTS = 200;

    private final URI api;
    private final byte[] body;
    private final String filename;
    private final String profile;
    private final String contentType;
    private final Function<String, String> tokens;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong lifecycles = new AtomicLong();
    private final AtomicLong repeatedCompletes = new AtomicLong();
    private final AtomicLong completeErrors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private long errorsReported;

    /** Uploads a JPEG as {@code filename} to the {@code image} profile. */
    StowageClient(URI api, byte[] jpeg, String filename, Function<String, String> tokens) {
        this(api, jpeg, "image", filename, "image/jpeg", tokens);
    }

    /** Uploads {@code body} as {@code filename} of {@code contentType} to {@code profile}. */
    StowageClient(URI api, byte[] body, String profile, String filename, String contentType,
                  Function<String, String> tokens) {
        this.api = api;
        this.body = body;
        this.profile = profile;
        this.filename = filename;
        this.contentType = contentType;
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return "stowage";
    }

    @Override
    public Load.Client client(int index) {
        String bearer = bearer("bench-client-" + index);
        return laps -> {
            String created = call(bearer, "/v1/uploads", initiateBody(), 201);
            String id = group(FIRST_ID, created);
            laps.lap("initiate");
            String signed = call(bearer, "/v1/uploads/" + id + "/url", "", 200);
            laps.lap("sign");
            put(signed);
            laps.lap("put");
            complete(bearer, id);
            laps.lap("complete");
            lifecycles.incrementAndGet();
        };
    }

    String bearer(String subject) {
        return "Bearer " + tokens.apply(subject);
    }

    private String initiateBody() {
        return "{\"profile\":\"" + profile + "\",\"filename\":\"" + filename + "\",\"contentType\":\"" + contentType + "\","
                + "\"byteSize\":" + body.length + ",\"strategy\":\"direct\"}";
    }

    /**
     * Initiate, sign and PUT, and no {@code complete}: the S3 event the PUT raises promotes the asset on its own, as
     * for a client that never calls back. Answers the asset's id.
     */
    String stage(String bearer, Load.Laps laps) throws Exception {
        laps.start();
        String created = call(bearer, "/v1/uploads", initiateBody(), 201);
        String id = group(FIRST_ID, created);
        String assetId = group(ASSET_ID, created);
        laps.lap("initiate");
        String signed = call(bearer, "/v1/uploads/" + id + "/url", "", 200);
        laps.lap("sign");
        put(signed);
        laps.lap("put");
        return assetId;
    }

    /** {@code GET /v1/assets/{id}}: the asset's JSON (state, metadata, variants). */
    String asset(String bearer, String assetId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.resolve("/v1/assets/" + assetId))
                .timeout(Duration.ofSeconds(30)).header("Authorization", bearer).header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/assets/" + assetId + " answered " + r.statusCode() + ": "
                    + r.body());
        }
        return r.body();
    }

    private static final Set<String> PROMOTED = Set.of("available", "processing", "ready");

    private void complete(String bearer, String id) throws Exception {
        for (int attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt++) {
            HttpResponse<String> r = post(bearer, "/v1/uploads/" + id + "/complete", "");
            if (r.statusCode() == 500) {
                // Known race (see README): complete and the S3 event's verification both promote the asset,
                // and the loser's copy finds the staging object deleted. Counted and reported, never hidden;
                // the client asks again, as a real one would after a 5xx.
                completeErrors.incrementAndGet();
                firstError.compareAndSet(null, r.body());
                Thread.sleep(5);
                continue;
            }
            String asset = expect(r, "/v1/uploads/" + id + "/complete", 200);
            String state = group(FIRST_STATE, asset);
            // Promoted: an image profile's variants are queued at once, so its asset may already be processing
            // (or, with a fast worker, ready) by the time complete answers.
            if (PROMOTED.contains(state)) {
                return;
            }
            if (!IN_FLIGHT.contains(state)) {
                throw new IllegalStateException("complete answered an asset in state " + state + ": " + asset);
            }
            // The S3 event's verification holds the lane; like a real client, ask again after a short back-off.
            repeatedCompletes.incrementAndGet();
            Thread.sleep(Math.min(50, 5L << Math.min(attempt - 1, 4)));
        }
        throw new IllegalStateException("upload " + id + " not available after " + COMPLETE_ATTEMPTS + " completes");
    }

    private void put(String signed) throws Exception {
        URI url = URI.create(unescape(group(URL, signed)));
        HttpRequest.Builder put = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        Matcher headers = PAIR.matcher(group(HEADERS, signed));
        while (headers.find()) {
            String name = headers.group(1);
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                put.header(name, unescape(headers.group(2)));
            }
        }
        HttpResponse<String> r = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("PUT " + url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private String call(String bearer, String path, String json, int expected) throws Exception {
        return expect(post(bearer, path, json), path, expected);
    }

    private HttpResponse<String> post(String bearer, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String expect(HttpResponse<String> r, String path, int expected) {
        if (r.statusCode() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + " (expected " + expected
                    + "): " + r.body());
        }
        return r.body();
    }

    /** 500s answered by complete since the start (the promotion race); 0 is the only acceptable value. */
    long completeErrors() {
        return completeErrors.get();
    }

    String firstError() {
        return firstError.get();
    }

    /** Per run: extra complete calls (the S3 event held the lane, or a 500) per 100 lifecycles. */
    String drainNote() {
        long n = lifecycles.getAndSet(0);
        long repeated = repeatedCompletes.getAndSet(0);
        long errors = completeErrors.get() - errorsReported;
        errorsReported += errors;
        if (n == 0) {
            return "";
        }
        return String.format("%.1f extra complete calls per 100 lifecycles while the S3 event's verification held "
                + "the lane; %d complete calls answered 500", 100.0 * repeated / n, errors);
    }

    private static String group(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException(pattern + " not found in " + json);
        }
        return m.group(1);
    }

    private static String unescape(String json) {
        return json.replace("\\/", "/").replace("\\u0026", "&").replace("\\u003d", "=").replace("\\u003D", "=");
    }
}
