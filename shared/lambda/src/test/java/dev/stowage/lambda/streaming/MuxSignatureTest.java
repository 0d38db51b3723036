package dev.stowage.lambda.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.lambda.streaming.MuxSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mux's {@code t=…,v1=…} webhook signature: only the exact body, under the secret, inside the window passes. */
class MuxSignatureTest {
    static final byte[] SECRET = "whsec-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final byte[] BODY = "{\"type\":\"video.asset.ready\",\"data\":{\"id\":\"a1\"}}".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(5);

    static Verdict verify(String header, byte[] body) {
        return MuxSignature.verify(Optional.ofNullable(header), body, SECRET, NOW, WINDOW);
    }

    @Test
    void aSignatureMadeOverTheExactBodyWithTheSecretIsValid() {
        assertEquals(Verdict.VALID, verify(MuxSignature.sign(SECRET, NOW.getEpochSecond(), BODY), BODY));
    }

    @Test
    void knownVectorMatchesHmacSha256OfTimestampDotBody() {
        // openssl dgst -sha256 -hmac 'whsec-0123456789abcdef' <<< '1700000000.{}' (without the newline)
        String header = MuxSignature.sign(SECRET, 1_700_000_000L, "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("t=1700000000,v1=" + java.util.HexFormat.of().formatHex(
                MuxSignature.hmac(SECRET, 1_700_000_000L, "{}".getBytes(StandardCharsets.UTF_8))), header);
        assertEquals(64 + "t=1700000000,v1=".length(), header.length());
    }

    @Test
    void oneChangedByteOfTheBodyIsAMismatch() {
        String header = MuxSignature.sign(SECRET, NOW.getEpochSecond(), BODY);
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 3] ^= 1;
        assertEquals(Verdict.MISMATCH, verify(header, tampered));
    }

    @Test
    void anotherSecretIsAMismatch() {
        String header = MuxSignature.sign("another-secret".getBytes(StandardCharsets.UTF_8), NOW.getEpochSecond(), BODY);
        assertEquals(Verdict.MISMATCH, verify(header, BODY));
    }

    @Test
    void aTimestampOutsideTheWindowEitherWayIsStaleEvenWhenTheMacIsRight() {
        long old = NOW.minus(WINDOW).minusSeconds(1).getEpochSecond();
        long future = NOW.plus(WINDOW).plusSeconds(1).getEpochSecond();
        assertEquals(Verdict.STALE, verify(MuxSignature.sign(SECRET, old, BODY), BODY));
        assertEquals(Verdict.STALE, verify(MuxSignature.sign(SECRET, future, BODY), BODY));
        assertEquals(Verdict.VALID, verify(MuxSignature.sign(SECRET, NOW.minus(WINDOW).getEpochSecond(), BODY), BODY));
    }

    @Test
    void theMacIsBoundToItsTimestamp() {
        String header = MuxSignature.sign(SECRET, NOW.getEpochSecond(), BODY);
        String moved = header.replace("t=" + NOW.getEpochSecond(), "t=" + (NOW.getEpochSecond() - 1));
        assertEquals(Verdict.MISMATCH, verify(moved, BODY));
    }

    @Test
    void anyOfSeveralV1SignaturesMayMatch() {
        String good = MuxSignature.sign(SECRET, NOW.getEpochSecond(), BODY);
        String other = "0".repeat(64);
        assertEquals(Verdict.VALID, verify(good.replace(",v1=", ",v1=" + other + ",v1="), BODY));
    }

    @Test
    void noHeaderIsMissing() {
        assertEquals(Verdict.MISSING, verify(null, BODY));
        assertEquals(Verdict.MISSING, verify(" ", BODY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1=abc", "t=1700000000", "t=now,v1=" + "00", "garbage", "t=1,v1=zz",
            "t=99999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000"})
    void aHeaderThatIsNotTimestampAndHexMacIsMalformed(String header) {
        assertEquals(Verdict.MALFORMED, verify(header, BODY));
    }
}
