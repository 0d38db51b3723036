package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.StorageKeys;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/uploads/proxied} refuses a body over the proxied limit and a body whose SHA-256 is not
 * the one declared, before anything is stored: no asset row, no write to staging. The function runs with
 * its limit set to one test file's size, so the boundary is exact and the media stays small.
 */
class ProxiedRefusalsTest {
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;

    final String heidi = "heidi-" + UUID.randomUUID();
    /** Unique, so what this test stored can be found in the bucket by name. */
    final String filename = "proxied-" + UUID.randomUUID() + ".jpg";

    @BeforeAll
    static void start() {
        Map<String, Object> properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("stowage.lifecycle.proxied-max-bytes", String.valueOf(JPEG.length));
        properties.put("stowage.test.record-writes", "true");
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(properties));
        api = new ApiGatewayClient(function);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    ApiGatewayClient.Reply proxied(byte[] bytes, String checksumHeader) {
        var event = api.event(heidi, "POST", "/v1/uploads/proxied", "profile=image&filename=" + filename,
                "image/jpeg", Base64.getEncoder().encodeToString(bytes), true);
        event.setQueryStringParameters(Map.of("profile", "image", "filename", filename));
        if (checksumHeader != null) {
            event.getHeaders().put("x-checksum-sha256", checksumHeader);
        }
        return api.send(event);
    }

    int assetsOwnedBy(String owner) throws SQLException {
        TestStack stack = TestStack.get();
        try (var c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var query = c.prepareStatement("SELECT count(*) FROM assets WHERE owner = ?")) {
            query.setString(1, owner);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Keys this test's file was written to, seen as the write happens (promotion deletes staging after). */
    List<String> writesOfThisFile() {
        return function.getApplicationContext().getBean(RecordedWrites.class).named(filename);
    }

    void assertNothingStored() throws SQLException {
        assertEquals(0, assetsOwnedBy(heidi), "no asset row");
        assertEquals(List.of(), writesOfThisFile(), "nothing written to staging");
    }

    static void assertProblem(ApiGatewayClient.Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(code, reply.string("code"), reply.body());
    }

    @Test
    void aBodyOfExactlyTheLimitIsStored() throws SQLException {
        var reply = proxied(JPEG, Checksums.sha256Base64(JPEG));

        assertEquals(201, reply.status(), reply.body());
        assertEquals("processing", reply.string("state"));
        assertEquals(1, assetsOwnedBy(heidi), "the asset row this test's query looks for");
        String staged = writesOfThisFile().getFirst();
        assertTrue(staged.startsWith(StorageKeys.STAGING + "proxied/"), staged);
    }

    @Test
    void aBodyOneByteOverTheLimitIsTooLargeAndNothingIsStored() throws SQLException {
        assertProblem(proxied(Arrays.copyOf(JPEG, JPEG.length + 1), null), 413, "too_large");
        assertNothingStored();
    }

    @Test
    void aBodyWhoseSha256IsNotTheDeclaredOneIsAChecksumMismatchAndNothingIsStored() throws SQLException {
        byte[] other = JPEG.clone();
        other[other.length / 2] ^= 1;

        assertProblem(proxied(JPEG, Checksums.sha256Base64(other)), 409, "checksum_mismatch");
        assertNothingStored();
    }

    @Test
    void aDeclaredChecksumThatIsNoSha256IsRefusedAndNothingIsStored() throws SQLException {
        assertProblem(proxied(JPEG, "not-a-checksum"), 422, "invalid_checksum");
        assertNothingStored();
    }
}
