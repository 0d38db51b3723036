package dev.stowage.localstack.mux;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mux's Video API as far as direct uploads go, on one local port: {@code POST /video/v1/uploads},
 * {@code GET /video/v1/uploads} (newest first, {@code limit} and {@code page} as Mux pages them),
 * {@code GET /video/v1/uploads/{id}}, {@code PUT /video/v1/uploads/{id}/cancel} (basic auth with its token),
 * and the one-time upload URL, {@code PUT /upload/{id}}, that takes the browser's bytes. When bytes land it
 * sends what Mux sends — {@code video.upload.asset_created}, {@code video.asset.created},
 * {@code video.asset.ready} — and {@code video.upload.cancelled} on a cancel, each signed as Mux signs them
 * ({@code Mux-Signature: t=…,v1=HMAC-SHA256("t.body")}), in order, from one background thread.
 * Tests can make the API answer a status for the next calls ({@link #failNext}), as Mux's 429 or an outage,
 * and make a create lose its answer after the upload was made ({@link #loseNextCreateAnswers}), as a
 * timeout or a gateway's 5xx would.
 */
public final class MuxEmulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MuxEmulator.class);
    private static final Pattern UPLOAD = Pattern.compile("/video/v1/uploads/([A-Za-z0-9]+)");
    private static final Pattern CANCEL = Pattern.compile("/video/v1/uploads/([A-Za-z0-9]+)/cancel");
    private static final Pattern BYTES = Pattern.compile("/upload/([A-Za-z0-9]+)");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Mux's default and largest page of the uploads list. */
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    /** Where signed webhooks go: {@code signature} is the {@code Mux-Signature} header's value. */
    @FunctionalInterface
    public interface WebhookSink {
        void deliver(String signature, byte[] body);
    }

    public record Options(int port, String tokenId, String tokenSecret, String webhookSecret, WebhookSink sink) {
        /** A random token and webhook secret. */
        public static Options of(int port, WebhookSink sink) {
            return new Options(port, "emulator-" + id(8), id(32), id(32), sink);
        }
    }

    private final class Upload {
        final String id;
        final String passthrough;
        final String policy;
        final String corsOrigin;
        final long timeout;
        final long seq = created.incrementAndGet();
        String status = "waiting";
        String assetId;

        Upload(String id, String passthrough, String policy, String corsOrigin, long timeout) {
            this.id = id;
            this.passthrough = passthrough;
            this.policy = policy;
            this.corsOrigin = corsOrigin;
            this.timeout = timeout;
        }

        String json() {
            return "{\"id\":" + str(id) + ",\"status\":" + str(status) + ",\"url\":" + str(uploadUrl(id))
                    + ",\"timeout\":" + timeout + ",\"cors_origin\":" + str(corsOrigin)
                    + (assetId == null ? "" : ",\"asset_id\":" + str(assetId))
                    + ",\"new_asset_settings\":{\"playback_policy\":[" + str(policy) + "],\"passthrough\":"
                    + str(passthrough) + "}}";
        }
    }

    private final Options options;
    private final HttpServer server;
    private final ExecutorService webhooks;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Deque<Integer> failures = new ArrayDeque<>();
    private final AtomicInteger apiCalls = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong created = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger loseCreateAnswers = new AtomicInteger();

    private MuxEmulator(Options options, HttpServer server) {
        this.options = options;
        this.server = server;
        this.webhooks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mux-emulator-webhooks");
            t.setDaemon(true);
            return t;
        });
    }

    public static MuxEmulator start(Options options) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    options.port()), 0);
            MuxEmulator emulator = new MuxEmulator(options, server);
            server.createContext("/", emulator::handle);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "mux-emulator");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return emulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Mux emulator on port " + options.port(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String tokenId() {
        return options.tokenId();
    }

    public String tokenSecret() {
        return options.tokenSecret();
    }

    public String webhookSecret() {
        return options.webhookSecret();
    }

    /** The next {@code times} API calls (not byte uploads) answer {@code status} with Mux's error body. */
    public synchronized void failNext(int status, int times) {
        for (int i = 0; i < times; i++) {
            failures.add(status);
        }
    }

    /**
     * The next {@code times} creates make their upload and then answer 500 instead of it: the caller never
     * learns the upload's id, which only {@code GET /video/v1/uploads} (by passthrough) still tells.
     */
    public void loseNextCreateAnswers(int times) {
        loseCreateAnswers.addAndGet(times);
    }

    /** The id of the newest upload made with {@code passthrough}, if any. */
    public Optional<String> uploadFor(String passthrough) {
        return uploads.values().stream().filter(u -> u.passthrough.equals(passthrough))
                .max(java.util.Comparator.comparingLong(u -> u.seq)).map(u -> u.id);
    }

    /** API calls answered so far, failures included. */
    public int apiCalls() {
        return apiCalls.get();
    }

    /** The upload's status as Mux would report it, if the emulator made it. */
    public Optional<String> status(String uploadId) {
        return Optional.ofNullable(uploads.get(uploadId)).map(u -> u.status);
    }

    private String uploadUrl(String id) {
        return endpoint() + "/upload/" + id;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            Matcher bytes = BYTES.matcher(path);
            if (bytes.matches()) {
                receive(x, method, bytes.group(1));
                return;
            }
            if (!path.startsWith("/video/v1/uploads")) {
                answer(x, 404, error("not_found", "no such route"));
                return;
            }
            apiCalls.incrementAndGet();
            Integer failure;
            synchronized (this) {
                failure = failures.poll();
            }
            if (failure != null) {
                x.getRequestBody().readAllBytes();
                answer(x, failure, error(failure == 429 ? "too_many_requests" : "server_error", "emulated failure"));
                return;
            }
            if (!authorized(x)) {
                answer(x, 401, error("unauthorized", "Unauthorized request"));
                return;
            }
            Matcher cancel = CANCEL.matcher(path);
            Matcher one = UPLOAD.matcher(path);
            if (method.equals("POST") && path.equals("/video/v1/uploads")) {
                create(x);
            } else if (method.equals("PUT") && cancel.matches()) {
                cancel(x, cancel.group(1));
            } else if (method.equals("GET") && path.equals("/video/v1/uploads")) {
                list(x);
            } else if (method.equals("GET") && one.matches()) {
                Upload u = uploads.get(one.group(1));
                answer(x, u == null ? 404 : 200, u == null ? error("not_found", "upload not found") : data(u));
            } else {
                answer(x, 404, error("not_found", "no such route"));
            }
        } catch (RuntimeException e) {
            LOG.warn("Mux emulator failed on {} {}", x.getRequestMethod(), x.getRequestURI(), e);
            answer(x, 500, error("server_error", "emulator error"));
        }
    }

    private boolean authorized(HttpExchange x) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (options.tokenId() + ":" + options.tokenSecret()).getBytes(StandardCharsets.UTF_8));
        return expected.equals(x.getRequestHeaders().getFirst("Authorization"));
    }

    private void create(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Upload u = new Upload(id(24), field(body, "\"passthrough\"\\s*:\\s*\"([^\"]{0,255})\"").orElse(""),
                field(body, "\"playback_policy\"\\s*:\\s*\\[\\s*\"(public|signed)\"").orElse("public"),
                field(body, "\"cors_origin\"\\s*:\\s*\"([^\"]{0,255})\"").orElse("*"),
                field(body, "\"timeout\"\\s*:\\s*(\\d{1,9})").map(Long::parseLong).orElse(3600L));
        uploads.put(u.id, u);
        if (loseCreateAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            answer(x, 500, error("server_error", "emulated lost answer"));
            return;
        }
        answer(x, 201, data(u));
    }

    /** Mux's list of direct uploads: newest first, {@code limit} (1..100, default 10) per {@code page} (from 1). */
    private void list(HttpExchange x) throws IOException {
        String query = Optional.ofNullable(x.getRequestURI().getRawQuery()).orElse("");
        int limit = field(query, "(?:^|&)limit=(\\d{1,3})(?:&|$)").map(Integer::parseInt).orElse(DEFAULT_LIMIT);
        int page = field(query, "(?:^|&)page=(\\d{1,6})(?:&|$)").map(Integer::parseInt).orElse(1);
        if (limit < 1 || limit > MAX_LIMIT || page < 1) {
            answer(x, 400, error("invalid_parameters", "limit is 1..100 and page from 1"));
            return;
        }
        String items = uploads.values().stream()
                .sorted(java.util.Comparator.comparingLong((Upload u) -> u.seq).reversed())
                .skip((long) (page - 1) * limit).limit(limit)
                .map(Upload::json).collect(java.util.stream.Collectors.joining(","));
        answer(x, 200, "{\"data\":[" + items + "]}");
    }

    private void cancel(HttpExchange x, String id) throws IOException {
        Upload u = uploads.get(id);
        if (u == null) {
            answer(x, 404, error("not_found", "upload not found"));
            return;
        }
        synchronized (u) {
            if (!u.status.equals("waiting")) {
                answer(x, 400, error("invalid_parameters", "upload is " + u.status + " and cannot be cancelled"));
                return;
            }
            u.status = "cancelled";
            send("video.upload.cancelled", "upload", u.id, u.json());
        }
        answer(x, 200, data(u));
    }

    /** The one-time upload URL: the bytes arrive, an asset is made and becomes ready at once. */
    private void receive(HttpExchange x, String method, String id) throws IOException {
        Upload u = uploads.get(id);
        if (u != null) {
            x.getResponseHeaders().add("Access-Control-Allow-Origin", u.corsOrigin);
        }
        if (method.equals("OPTIONS")) {
            x.getResponseHeaders().add("Access-Control-Allow-Methods", "PUT");
            x.getResponseHeaders().add("Access-Control-Allow-Headers", "Content-Type, Content-Range");
            answer(x, u == null ? 404 : 204, null);
            return;
        }
        long size;
        try (InputStream in = x.getRequestBody()) {
            size = in.transferTo(OutputStream.nullOutputStream());
        }
        if (u == null || !method.equals("PUT")) {
            answer(x, u == null ? 404 : 405, null);
            return;
        }
        synchronized (u) {
            if (!u.status.equals("waiting")) {
                answer(x, 400, null); // a used, cancelled or timed-out URL takes nothing
                return;
            }
            if (size == 0) {
                u.status = "errored";
                send("video.upload.errored", "upload", u.id, u.json().replaceFirst("\\}$",
                        ",\"error\":{\"type\":\"invalid_input\",\"message\":\"The file was empty\"}}"));
                answer(x, 200, null);
                return;
            }
            u.status = "asset_created";
            u.assetId = id(24);
            send("video.upload.asset_created", "upload", u.id, u.json());
            String playback = id(24);
            String asset = "{\"id\":" + str(u.assetId) + ",\"upload_id\":" + str(u.id) + ",\"passthrough\":"
                    + str(u.passthrough) + ",\"playback_ids\":[{\"id\":" + str(playback) + ",\"policy\":"
                    + str(u.policy) + "}]";
            send("video.asset.created", "asset", u.assetId, asset + ",\"status\":\"preparing\"}");
            // Mux would take a while to transcode; the emulator does not, and says so with a fixed duration.
            send("video.asset.ready", "asset", u.assetId, asset + ",\"status\":\"ready\",\"duration\":"
                    + Math.max(1, size / 100_000) + ".5}");
        }
        answer(x, 200, null);
    }

    private void send(String type, String objectType, String objectId, String data) {
        String body = "{\"type\":" + str(type) + ",\"object\":{\"type\":" + str(objectType) + ",\"id\":"
                + str(objectId) + "},\"id\":" + str(UUID.randomUUID().toString())
                + ",\"environment\":{\"name\":\"Emulator\",\"id\":\"emulator\"},\"data\":" + data
                + ",\"created_at\":" + str(Instant.now().toString()) + ",\"attempts\":[],\"request_id\":null}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        webhooks.execute(() -> {
            try {
                options.sink().deliver(sign(options.webhookSecret(), Instant.now().getEpochSecond(), bytes), bytes);
            } catch (RuntimeException e) {
                LOG.warn("Mux emulator could not deliver {}", type, e);
            }
        });
    }

    /** Mux's webhook signature header for {@code body} at {@code t}. */
    public static String sign(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String data(Upload u) {
        return "{\"data\":" + u.json() + "}";
    }

    private static String error(String type, String message) {
        return "{\"error\":{\"type\":" + str(type) + ",\"messages\":[" + str(message) + "]}}";
    }

    private static void answer(HttpExchange x, int status, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        if (json != null) {
            x.getResponseHeaders().add("Content-Type", "application/json");
        }
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Optional<String> field(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String id(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String str(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
        webhooks.shutdownNow();
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
