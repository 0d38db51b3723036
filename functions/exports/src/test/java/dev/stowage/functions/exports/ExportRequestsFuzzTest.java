package dev.stowage.functions.exports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.export.DownloadExport;
import dev.stowage.domain.export.Export;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.export.ExportTokens;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.fuzz.Fuzz;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes what the exports function reads from a client, with Jazzer: {@code POST /v1/exports}' body (malformed
 * JSON, an IOException answered 400, or a command, or one of the documented field refusals) and a download
 * link's id and token, checked by {@link ExportTokens} (the export's bytes for exactly the link that was issued,
 * the one {@code not_found} for everything else). Never another exception, in bounded time and memory.
 */
class ExportRequestsFuzzTest {
    // The serde mapper with the API's integer rules (WholeNumbers), as the function's context has it.
    static final JsonMapper JSON = ObjectMapper.create(Map.of(), "dev.stowage.lambda.json");
    static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_FIELD, ErrorCode.UNKNOWN_GENERATOR);

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final byte[] SECRET = "export-secret-0123456789abcdef-0123456789".getBytes(StandardCharsets.UTF_8);
    static final UUID ID = UUID.fromString("9e4d2c1b-6a7f-4b83-9c05-d1e2f3a4b5c6");
    static final byte[] BYTES = "id,state\n".getBytes(StandardCharsets.UTF_8);
    static final Export READY = new Export(ID, "user-1", "report.csv", ExportFormat.CSV, "text/csv", ExportState.READY,
            BYTES.length, "sha", Optional.of(1L), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(),
            NOW.minusSeconds(60), NOW.plusSeconds(3600), Optional.empty());
    static final ExportTokens TOKENS = new ExportTokens(SECRET, Optional.empty(), Instant.MIN, Clock.fixed(NOW, ZoneOffset.UTC));
    /** The link issued for {@link #READY}: {@code id\ntoken} is the seed of {@link #downloadLink}. */
    static final String TOKEN = TOKENS.signer().orElseThrow().sign(ID, READY.expiresAt());
    static final DownloadExport DOWNLOAD = new DownloadExport(exports(), unused(ObjectStore.class), TOKENS,
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

    @BeforeAll
    static void theMapperIsTheApisOne() {
        assertThrows(IOException.class, () -> JSON.readValue("{\"ttlSeconds\":1.5}", CreateExportRequest.class));
    }

    static long budget(byte[] input) {
        return (4L << 20) + 32L * input.length;
    }

    @FuzzTest
    void createBody(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        CreateExportRequest request = Fuzz.run(() -> JSON.readValue(text, CreateExportRequest.class))
                .allocatedAtMost(budget(body)).answeredOrRefused(IOException.class, e -> true);
        if (request != null) {
            Result<CreateExport.Command> command = Fuzz.run(request::decode).allocatedAtMost(budget(body)).answered();
            if (command instanceof Result.Err<CreateExport.Command> err) {
                assertTrue(REFUSALS.contains(err.code()), err.toString());
            } else {
                assertNotNull(command.orElseThrow());
            }
        }
    }

    /** {@code <id>\n<token>} as the link carries them, or a token alone for the issued id. */
    @FuzzTest
    void downloadLink(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String id = newline < 0 ? ID.toString() : text.substring(0, newline);
        String token = newline < 0 ? text : text.substring(newline + 1);
        Result<DownloadExport.Download> answer = Fuzz.run(() -> DOWNLOAD.execute(id, token)).allocatedAtMost(budget(bytes))
                .answered();
        if (ID.toString().equals(id) && TOKEN.equals(token)) {
            DownloadExport.Download.Bytes download = assertInstanceOf(DownloadExport.Download.Bytes.class,
                    answer.orElseThrow());
            assertArrayEquals(BYTES, download.bytes());
        } else {
            Result.Err<?> refused = assertInstanceOf(Result.Err.class, answer, "id " + id + ", token " + token);
            assertEquals(ErrorCode.NOT_FOUND, refused.code());
        }
    }

    // Only the two reads a download makes; any other call fails the try.
    private static Exports exports() {
        return (Exports) Proxy.newProxyInstance(Exports.class.getClassLoader(), new Class<?>[] {Exports.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "find" -> Optional.of(READY).filter(e -> e.id().equals(args[0]));
                    case "content" -> Optional.of(BYTES).filter(b -> ID.equals(args[0]));
                    default -> throw new AssertionError("a download does not call Exports." + method.getName());
                });
    }

    private static <T> T unused(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port},
                (proxy, method, args) -> {
                    throw new AssertionError("a download of inline bytes does not call " + method.getName());
                }));
    }
}
