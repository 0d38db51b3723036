package dev.stowage.lambda.streaming;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.streaming.ProviderEvent;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.fuzz.Fuzz;
import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes Mux's webhook with Jazzer, from the signature header to the decoded event: whatever the header, a
 * verdict, and only the right HMAC is valid; whatever a signed body says, an event or {@code malformed_request}
 * (or {@code too_large}). Never an exception (a 500 that Mux would retry for days), in bounded time and memory.
 */
// Public, with public targets, so that EdgeDecodersFuzzTest can fuzz them all in one JVM.
public class MuxWebhookFuzzTest {
    static final String SECRET = "whsec-0123456789abcdef";
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final byte[] BODY = Events.text("mux-webhook-video-asset-ready.json").getBytes(StandardCharsets.UTF_8);
    static final MuxSettings SETTINGS = new MuxSettings("https://api.mux.com", null, null, SECRET, null, null,
            Duration.ofMinutes(5), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMinutes(5), 256 * 1024);
    static final MuxStreamingProvider MUX = new MuxStreamingProvider(SETTINGS,
            new MuxCredentials.FromConfiguration(SETTINGS), JsonMapper.createDefault(), Clock.fixed(NOW, ZoneOffset.UTC));

    static long budget(int inputLength) {
        return (4L << 20) + 32L * inputLength;
    }

    /** The header Mux would send for {@link #BODY} now (the seed of {@link #signatureHeader}). */
    static String validHeader() {
        return MuxSignature.sign(SECRET.getBytes(StandardCharsets.UTF_8), NOW.getEpochSecond(), BODY);
    }

    /** Valid only when the header still carries the HMAC of this body at this time (hex may change case). */
    @FuzzTest
    public void signatureHeader(byte[] bytes) {
        String header = new String(bytes, StandardCharsets.UTF_8);
        MuxSignature.Verdict verdict = Fuzz.run(() -> MuxSignature.verify(Optional.of(header), BODY,
                        SECRET.getBytes(StandardCharsets.UTF_8), NOW, SETTINGS.webhookTolerance()))
                .allocatedAtMost(budget(bytes.length)).answered();
        if (verdict == MuxSignature.Verdict.VALID) {
            String hmac = HexFormat.of().formatHex(MuxSignature.hmac(SECRET.getBytes(StandardCharsets.UTF_8),
                    NOW.getEpochSecond(), BODY));
            assertTrue(header.toLowerCase(Locale.ROOT).contains(hmac), header);
        }
    }

    /** A body with the right signature: an event, or refused as malformed (or too large); never an exception. */
    @FuzzTest
    public void signedBody(byte[] body) {
        Optional<String> signature = Optional.of(MuxSignature.sign(SECRET.getBytes(StandardCharsets.UTF_8),
                NOW.getEpochSecond(), body));
        Result<ProviderEvent> read = Fuzz.run(() -> MUX.readWebhook(signature, body)).allocatedAtMost(budget(body.length))
                .answered();
        switch (read) {
            case Result.Ok<ProviderEvent>(ProviderEvent event) -> sane(event);
            case Result.Err<ProviderEvent> err -> assertTrue(Set.of(ErrorCode.MALFORMED_REQUEST, ErrorCode.TOO_LARGE)
                    .contains(err.code()), err.toString());
        }
    }

    private static void sane(ProviderEvent event) {
        switch (event) {
            case ProviderEvent.AssetReady ready -> {
                assertTrue(!ready.providerAssetId().isBlank() && !ready.playbackId().isBlank(), event.toString());
                // A duration is one a media file can have: 1e999999999 s is none (it rounded to Long.MAX_VALUE).
                assertTrue(ready.durationMs().orElse(0L) >= 0 && ready.durationMs().orElse(0L) <= 1_000_000_000_000L,
                        event.toString());
            }
            case ProviderEvent.UploadErrored errored -> assertTrue(errored.message().length() <= 500, event.toString());
            case ProviderEvent.AssetErrored errored -> assertTrue(errored.message().length() <= 500, event.toString());
            default -> { } // the others carry only ids, checked by the decoder's own tests
        }
    }
}
