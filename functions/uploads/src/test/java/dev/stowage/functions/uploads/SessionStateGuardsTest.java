package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signing, completing and cancelling answer from the session's real state, and change nothing when the
 * session is not theirs to change: an ended session (expired, aborted, completed, failed) signs no URL and
 * completes nothing new, and a session in the verification lane cannot be cancelled. Through the uploads
 * function's HTTP handler, on real PostgreSQL and S3.
 */
class SessionStateGuardsTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static ObjectStore store;
    static UploadSessions sessions;

    final String frank = "frank-" + UUID.randomUUID();
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        store = function.getApplicationContext().getBean(ObjectStore.class);
        sessions = function.getApplicationContext().getBean(UploadSessions.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    enum Ending { EXPIRED, ABORTED, COMPLETED, FAILED }

    /** A session whose bytes went up, and the body its {@code complete} sends. */
    record Uploaded(String id, String key, boolean multipart, String completeBody) {
        String signPath() {
            return "/v1/uploads/" + id + (multipart ? "/parts/1/url" : "/url");
        }
    }

    ApiGatewayClient.Reply call(String method, String path, String body) {
        return api.call(frank, method, path, body);
    }

    Uploaded uploaded(String strategy) {
        return uploaded(strategy, Ending.COMPLETED);
    }

    /** Initiates, signs and uploads; a FAILED ending gets bytes verification must refuse. */
    @SuppressWarnings("unchecked")
    Uploaded uploaded(String strategy, Ending ending) {
        boolean multipart = !strategy.equals("direct");
        byte[] wrong = jpeg.clone();
        wrong[wrong.length / 2] ^= 1;
        // A multipart session fails on its checksum; a direct one on its size.
        String checksum = multipart && ending == Ending.FAILED
                ? ",\"checksumSha256\":\"" + Checksums.sha256Base64(wrong) + "\"" : "";
        var created = call("POST", "/v1/uploads", """
                {"profile":"image","filename":"photo.jpg","contentType":"image/jpeg","byteSize":%d,"strategy":"%s"%s}"""
                .formatted(jpeg.length, strategy, checksum));
        assertEquals(201, created.status(), created.body());
        String id = created.string("id");
        String key = "staging/" + id + "/photo.jpg";
        if (!multipart) {
            assertEquals(200, call("POST", "/v1/uploads/" + id + "/url", "").status());
            // Where the signed PUT puts it; a wrong size can only arrive this way (the URL binds the length).
            store.put(key, ending == Ending.FAILED ? Arrays.copyOf(jpeg, jpeg.length + 1) : jpeg, "image/jpeg");
            return new Uploaded(id, key, false, "");
        }
        var signed = call("POST", "/v1/uploads/" + id + "/parts/1/url", "");
        assertEquals(200, signed.status(), signed.body());
        var put = PresignedHttp.send(URI.create(signed.string("url")), "PUT",
                (Map<String, String>) signed.map().get("headers"), jpeg);
        assertEquals(200, put.statusCode());
        String etag = put.headers().firstValue("ETag").orElseThrow().replace("\"", "\\\"");
        return new Uploaded(id, key, true, "{\"parts\":[{\"partNumber\":1,\"etag\":\"" + etag + "\"}]}");
    }

    /** Ends the session the way it ends in production. */
    void end(Uploaded up, Ending ending) throws SQLException {
        switch (ending) {
            case EXPIRED -> {
                pastExpiry(up.id());
                // What the purger does to an open session past its expiry.
                assertEquals(true, sessions.transition(UUID.fromString(up.id()),
                        EnumSet.of(UploadState.SIGNED, UploadState.UPLOADING), UploadState.EXPIRED));
            }
            case ABORTED -> assertEquals(200, call("DELETE", "/v1/uploads/" + up.id(), "").status());
            case COMPLETED -> {
                var completed = call("POST", "/v1/uploads/" + up.id() + "/complete", up.completeBody());
                assertEquals(200, completed.status(), completed.body());
                assertEquals("processing", completed.string("state"));
            }
            case FAILED -> {
                var failed = call("POST", "/v1/uploads/" + up.id() + "/complete", up.completeBody());
                assertEquals(409, failed.status(), failed.body());
            }
        }
        assertEquals(ending.name().toLowerCase(), call("GET", "/v1/uploads/" + up.id(), "").string("state"));
    }

    /** Moves the session's expiry an hour into the past, as if its TTL had run out. */
    static void pastExpiry(String sessionId) throws SQLException {
        TestStack stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var update = c.prepareStatement(
                     "UPDATE upload_sessions SET expires_at = now() - interval '1 hour' WHERE id = ?")) {
            update.setObject(1, UUID.fromString(sessionId));
            assertEquals(1, update.executeUpdate());
        }
    }

    /** What a request could change: the session as the API shows it, and what staging holds. */
    record Observed(String session, Object staged) {}

    Observed observe(Uploaded up) {
        var session = call("GET", "/v1/uploads/" + up.id(), "");
        assertEquals(200, session.status(), session.body());
        return new Observed(session.body(), store.head(up.key()));
    }

    static void assertProblem(ApiGatewayClient.Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(code, reply.string("code"), reply.body());
    }

    @ParameterizedTest(name = "{0} {1}: sign {2} {3}, complete {4} {5}")
    @CsvSource({
        "direct,    EXPIRED,   409, session_expired, 409, invalid_state",
        "direct,    ABORTED,   409, invalid_state,   409, invalid_state",
        "direct,    COMPLETED, 409, invalid_state,   200, ",
        "direct,    FAILED,    409, invalid_state,   409, invalid_state",
        "multipart, EXPIRED,   409, session_expired, 409, invalid_state",
        "multipart, ABORTED,   409, invalid_state,   409, invalid_state",
        "multipart, COMPLETED, 409, invalid_state,   200, ",
        "multipart, FAILED,    409, invalid_state,   409, invalid_state",
    })
    void anEndedSessionSignsNothingAndCompletesNothingNew(String strategy, Ending ending, int signStatus,
                                                          String signCode, int completeStatus, String completeCode)
            throws SQLException {
        Uploaded up = uploaded(strategy, ending);
        end(up, ending);
        Observed before = observe(up);

        assertProblem(call("POST", up.signPath(), ""), signStatus, signCode);
        var completed = call("POST", "/v1/uploads/" + up.id() + "/complete", up.completeBody());
        if (completeCode == null) {
            assertEquals(completeStatus, completed.status(), completed.body());
            assertEquals(call("GET", "/v1/uploads/" + up.id(), "").string("assetId"), completed.string("id"));
            assertEquals("processing", completed.string("state"));
        } else {
            assertProblem(completed, completeStatus, completeCode);
        }

        assertEquals(before, observe(up), "nothing changed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "multipart"})
    void aSessionPastItsExpiryThatThePurgerHasNotReachedYetSignsNothing(String strategy) throws SQLException {
        Uploaded up = uploaded(strategy);
        pastExpiry(up.id());
        Observed before = observe(up);

        assertProblem(call("POST", up.signPath(), ""), 409, "session_expired");

        assertEquals(before, observe(up), "nothing changed");
        assertEquals("signed", call("GET", "/v1/uploads/" + up.id(), "").string("state"));
    }

    @ParameterizedTest
    @EnumSource(names = {"UPLOADED", "VERIFYING"})
    void aSessionInTheVerificationLaneCannotBeCancelled(UploadState lane) {
        Uploaded up = uploaded("direct");
        // Where complete (uploaded) or the lane (verifying) holds it while it works.
        assertEquals(true, sessions.claim(UUID.fromString(up.id()), EnumSet.of(UploadState.SIGNED), lane,
                Lease.fresh(Duration.ofMinutes(10))));
        Observed before = observe(up);

        assertProblem(call("DELETE", "/v1/uploads/" + up.id(), ""), 409, "invalid_state");

        assertEquals(before, observe(up), "nothing changed");
        assertEquals(lane.wire(), call("GET", "/v1/uploads/" + up.id(), "").string("state"));
    }
}
