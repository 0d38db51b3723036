package dev.stowage.testkit;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An endpoint that speaks SSM Parameter Store's JSON 1.1 {@code GetParameter}, for tests of the functions
 * that read their secrets from SSM with the real client. Each parameter answers what the test set (a value,
 * or an HTTP status with SSM's error type); a name never set is {@code ParameterNotFound}, as in SSM; an
 * outage answers every read alike. Every request is recorded, so a test can count reads and check the
 * signature's scope. It checks no signature itself: the client's signing is the SDK's.
 */
public final class FakeSsm implements AutoCloseable {
    public static final String REGION = "eu-west-1";
    public static final String ACCESS_KEY_ID = "AKIDEXAMPLE";

    /** What a read answers: a value, or an HTTP status with SSM's error type. */
    public record Answer(String value, int status, String errorType) {
        public static Answer value(String v) {
            return new Answer(v, 200, null);
        }

        public static Answer error(int status, String type) {
            return new Answer(null, status, type);
        }
    }

    /** One request as it arrived: its {@code X-Amz-Target}, {@code Authorization} and JSON body. */
    public record Seen(String target, String authorization, Map<?, ?> body) {}

    private static final JsonMapper JSON = JsonMapper.createDefault();
    private static final Answer NOT_FOUND = Answer.error(400, "ParameterNotFound");

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile Answer outage;

    private FakeSsm(HttpServer server) {
        this.server = server;
    }

    public static FakeSsm start() {
        try {
            FakeSsm ssm = new FakeSsm(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            ssm.server.createContext("/", exchange -> {
                Map<?, ?> request = JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
                ssm.seen.add(new Seen(exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                        exchange.getRequestHeaders().getFirst("Authorization"), request));
                String name = String.valueOf(request.get("Name"));
                Answer a = ssm.outage != null ? ssm.outage : ssm.answers.getOrDefault(name, NOT_FOUND);
                byte[] body = JSON.writeValueAsBytes(a.value() != null
                        ? Map.of("Parameter", Map.of("Name", name, "Type", "SecureString", "Value", a.value(),
                                "Version", 1))
                        : Map.of("__type", a.errorType(), "message", "answered by the test"));
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(a.status(), body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            ssm.server.start();
            return ssm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What reads of {@code name} answer from now on. */
    public void answer(String name, Answer answer) {
        answers.put(name, answer);
    }

    /** Every read answers {@code answer} until {@link #up()}. */
    public void down(Answer answer) {
        outage = answer;
    }

    public void up() {
        outage = null;
    }

    /** The requests so far, oldest first. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The settings that point the functions' SSM client here, with static credentials. */
    public Map<String, Object> properties() {
        return Map.of("aws.region", REGION,
                "aws.services.ssm.endpoint-override", "http://127.0.0.1:" + server.getAddress().getPort(),
                "aws.accessKeyId", ACCESS_KEY_ID,
                "aws.secretKey", "test-secret-key");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
