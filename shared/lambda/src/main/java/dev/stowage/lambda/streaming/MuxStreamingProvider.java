package dev.stowage.lambda.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.domain.profile.Streaming;
import dev.stowage.domain.streaming.ProviderEvent;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StreamingProvider} over Mux's Video API with the JDK HTTP client: {@code POST /video/v1/uploads},
 * {@code GET /video/v1/uploads} (paged, newest first: the purger's search by passthrough),
 * {@code GET /video/v1/uploads/{id}}, {@code PUT /video/v1/uploads/{id}/cancel}, basic auth with the access
 * token. A 5xx or a connection failure is retried once after a jittered pause; a create only when the request
 * cannot have been acted on (a refused connection, a 503), so a retry rarely leaves a second upload behind,
 * and the purger cancels one that it does find. Mux's 429 is the quota.
 * Locally the base URL names the Mux emulator: there is no other code path.
 */
@Singleton
public class MuxStreamingProvider implements StreamingProvider {
    private static final Logger LOG = LoggerFactory.getLogger(MuxStreamingProvider.class);
    private static final Argument<Map<String, Object>> OBJECT = Argument.mapOf(String.class, Object.class);
    /** The pause before the one retry: this, plus up to as much again at random. */
    private static final long RETRY_PAUSE_MILLIS = 150;
    /** What a Mux id looks like; anything else never becomes a path segment. */
    private static final String ID = "[A-Za-z0-9_-]{1,128}";
    /** Uploads per page of Mux's list: its largest page. */
    static final int LIST_PAGE = 100;

    private final MuxSettings settings;
    private final MuxCredentials credentials;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;
    private final URI base;

    public MuxStreamingProvider(MuxSettings settings, MuxCredentials credentials, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.credentials = credentials;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
        this.base = URI.create(settings.baseUrl().endsWith("/") ? settings.baseUrl() : settings.baseUrl() + "/");
    }

    @Override
    public String name() {
        return "mux";
    }

    @Override
    public Availability availability() {
        return switch (credentials.token()) {
            case Result.Ok<Optional<MuxCredentials.Token>>(var token) ->
                    token.isPresent() ? Availability.READY : Availability.NOT_CONFIGURED;
            case Result.Err<Optional<MuxCredentials.Token>> err -> Availability.CREDENTIALS_UNAVAILABLE;
        };
    }

    @Override
    public DirectUpload createDirectUpload(UUID passthrough, Streaming streaming) {
        Map<String, Object> assetSettings = new LinkedHashMap<>();
        assetSettings.put("playback_policy", List.of(streaming.playbackPolicy().name().toLowerCase(Locale.ROOT)));
        assetSettings.put("passthrough", passthrough.toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("new_asset_settings", assetSettings);
        body.put("cors_origin", streaming.corsOrigin().orElse("*"));
        body.put("timeout", streaming.timeout().toSeconds());
        Map<String, Object> data = data(call("POST", "video/v1/uploads", write(body), false));
        String id = text(data, "id");
        String url = text(data, "url");
        if (id == null || !id.matches(ID) || url == null || !url.startsWith("http")) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "Mux answered a create without a usable id or url", null);
        }
        return new DirectUpload(id, url);
    }

    @Override
    public UploadStatus upload(String uploadId) {
        Map<String, Object> data = data(call("GET", "video/v1/uploads/" + segment(uploadId), null, true));
        return status(uploadId, data);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<UploadStatus> findByPassthrough(java.util.Set<String> passthroughs, int maxPages) {
        List<UploadStatus> found = new java.util.ArrayList<>();
        java.util.Set<String> unseen = new java.util.HashSet<>(passthroughs);
        for (int page = 1; page <= maxPages && !unseen.isEmpty(); page++) {
            byte[] answer = call("GET", "video/v1/uploads?limit=" + LIST_PAGE + "&page=" + page, null, true);
            List<Object> items;
            try {
                items = json.readValue(answer, OBJECT).get("data") instanceof List<?> list ? (List<Object>) list : null;
            } catch (IOException | RuntimeException e) {
                items = null;
            }
            if (items == null) {
                throw new Failure(Failure.Kind.UNAVAILABLE, "Mux answered a list that is not {\"data\": [...]}", null);
            }
            for (Object item : items) {
                if (item instanceof Map<?, ?> upload && text((Map<String, Object>) upload, "id") instanceof String id
                        && id.matches(ID)) {
                    UploadStatus status = status(id, (Map<String, Object>) upload);
                    if (status.passthrough().filter(passthroughs::contains).isPresent()) {
                        found.add(status);
                        unseen.remove(status.passthrough().get());
                    }
                }
            }
            if (items.size() < LIST_PAGE) {
                break; // the last page
            }
        }
        return found;
    }

    private static UploadStatus status(String uploadId, Map<String, Object> data) {
        Optional<String> passthrough = data.get("new_asset_settings") instanceof Map<?, ?> settings
                && settings.get("passthrough") instanceof String p && !p.isBlank() ? Optional.of(p) : Optional.empty();
        return new UploadStatus(uploadId, String.valueOf(data.get("status")), Optional.ofNullable(text(data, "asset_id")),
                passthrough);
    }

    @Override
    public CancelOutcome cancelUpload(String uploadId) {
        try {
            call("PUT", "video/v1/uploads/" + segment(uploadId) + "/cancel", new byte[0], true);
            return CancelOutcome.CANCELLED;
        } catch (Refused r) {
            // Mux refuses to cancel an upload that already has an asset, errored or was cancelled: it is over.
            return CancelOutcome.ALREADY_ENDED;
        }
    }

    @Override
    public Result<ProviderEvent> readWebhook(Optional<String> signature, byte[] body) {
        if (body.length > settings.webhookMaxBytes()) {
            return Result.err(ErrorCode.TOO_LARGE, "a webhook body is at most " + settings.webhookMaxBytes() + " bytes");
        }
        Optional<String> secret;
        switch (credentials.webhookSecret()) {
            case Result.Ok<Optional<String>>(var configured) -> secret = configured;
            // Unreadable right now: a 503, which Mux retries; a 401 would make it drop the event.
            case Result.Err<Optional<String>> err -> {
                return Result.err(err.code(), err.detail());
            }
        }
        if (secret.isEmpty()) {
            LOG.warn("Mux webhook refused: no webhook secret is configured (stowage.streaming.mux.webhook-secret "
                    + "or webhook-signing-parameter)");
            return Result.err(ErrorCode.UNAUTHENTICATED, "webhook signature not accepted");
        }
        MuxSignature.Verdict verdict = MuxSignature.verify(signature, body, secret.get().getBytes(StandardCharsets.UTF_8),
                clock.instant(), settings.webhookTolerance());
        if (verdict != MuxSignature.Verdict.VALID) {
            LOG.info("Mux webhook refused: signature {}", verdict.name().toLowerCase(Locale.ROOT));
            return Result.err(ErrorCode.UNAUTHENTICATED, "webhook signature not accepted");
        }
        try {
            return MuxEvents.decode(json.readValue(body, OBJECT));
        } catch (IOException | RuntimeException e) {
            return Result.err(ErrorCode.MALFORMED_REQUEST, "the webhook body is not a Mux event");
        }
    }

    /** A 4xx other than 429: Mux understood and said no. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private byte[] call(String method, String path, byte[] body, boolean idempotent) {
        // availability() was asked first; this is the rare case of the cache running out in between.
        MuxCredentials.Token token = switch (credentials.token()) {
            case Result.Ok<Optional<MuxCredentials.Token>>(var t) when t.isPresent() -> t.get();
            case Result.Ok<Optional<MuxCredentials.Token>> none ->
                    throw new Failure(Failure.Kind.UNAVAILABLE, "no Mux access token configured", null);
            case Result.Err<Optional<MuxCredentials.Token>> err ->
                    throw new Failure(Failure.Kind.UNAVAILABLE, "the Mux access token cannot be read", null);
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(settings.requestTimeout())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (token.id() + ":" + token.secret()).getBytes(StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt == 2;
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return response.body();
                }
                if (status == 429) {
                    throw new Failure(Failure.Kind.QUOTA_EXCEEDED, "Mux answered 429 to " + method + " " + path, null);
                }
                // A create's 500, 502 or 504 may come after Mux made the upload: only a 503 says it did not.
                if (status >= 500 && !last && (idempotent || status == 503)) {
                    pause();
                    continue;
                }
                if (status >= 500 || status == 401 || status == 403) {
                    LOG.warn("Mux answered {} to {} {}", status, method, path);
                    throw new Failure(Failure.Kind.UNAVAILABLE, "Mux answered " + status + " to " + method + " " + path,
                            null);
                }
                throw new Refused("Mux answered " + status + " to " + method + " " + path);
            } catch (IOException e) {
                // A create is retried only when it cannot have reached Mux: a second one would leave an orphan.
                if (last || !(idempotent || e instanceof ConnectException || e instanceof HttpConnectTimeoutException)) {
                    throw new Failure(Failure.Kind.UNAVAILABLE, "Mux unreachable: " + e, e);
                }
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(Failure.Kind.UNAVAILABLE, "interrupted calling Mux", e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS + ThreadLocalRandom.current().nextLong(RETRY_PAUSE_MILLIS + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> data(byte[] answer) {
        try {
            Object data = json.readValue(answer, OBJECT).get("data");
            if (data instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (IOException | RuntimeException e) {
            // below
        }
        throw new Failure(Failure.Kind.UNAVAILABLE, "Mux answered something that is not {\"data\": {...}}", null);
    }

    private static String text(Map<String, Object> map, String key) {
        return map.get(key) instanceof String s && !s.isBlank() ? s : null;
    }

    /** Upload ids are Mux's own, but a path segment is never trusted to be one. */
    private static String segment(String id) {
        if (!id.matches(ID)) {
            throw new IllegalArgumentException("not a Mux id: " + id);
        }
        return id;
    }
}
