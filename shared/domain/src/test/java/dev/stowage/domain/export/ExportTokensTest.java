package dev.stowage.domain.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExportTokensTest {
    static final byte[] OLD = "old-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant EXPIRES = NOW.plusSeconds(3600);
    final UUID id = UUID.randomUUID();

    static ExportTokens.Signer tokens(byte[] secret, Optional<byte[]> previous, Instant until) {
        return new ExportTokens(secret, previous, until, Clock.fixed(NOW, ZoneOffset.UTC)).signer().orElseThrow();
    }

    @Test
    void aTokenIsValidOnlyForItsIdAndExpiry() {
        var t = tokens(NEW, Optional.empty(), Instant.MIN);
        String token = t.sign(id, EXPIRES);
        assertEquals(43, token.length(), "32 bytes, base64url without padding");
        assertTrue(t.valid(id, EXPIRES, token));
        assertFalse(t.valid(UUID.randomUUID(), EXPIRES, token), "another id");
        assertFalse(t.valid(id, EXPIRES.plusSeconds(1), token), "another expiry");
    }

    @Test
    void everyTamperedSpellingIsRefused() {
        var t = tokens(NEW, Optional.empty(), Instant.MIN);
        String token = t.sign(id, EXPIRES);
        for (int i = 0; i < token.length(); i++) {
            for (int bit = 0; bit < 7; bit++) {
                char flipped = (char) (token.charAt(i) ^ (1 << bit));
                String tampered = token.substring(0, i) + flipped + token.substring(i + 1);
                assertFalse(t.valid(id, EXPIRES, tampered), "bit " + bit + " of char " + i + ": " + tampered);
            }
        }
        for (String bad : new String[] {"", token.substring(1), token + "=", token + "A", token + token, " " + token,
                "not-a-token", null}) {
            assertFalse(t.valid(id, EXPIRES, bad), String.valueOf(bad));
        }
    }

    @Test
    void thePreviousSecretIsAcceptedOnlyInsideItsWindow() {
        String signedWithOld = tokens(OLD, Optional.empty(), Instant.MIN).sign(id, EXPIRES);
        assertTrue(tokens(NEW, Optional.of(OLD), NOW.plusSeconds(1)).valid(id, EXPIRES, signedWithOld));
        assertFalse(tokens(NEW, Optional.of(OLD), NOW).valid(id, EXPIRES, signedWithOld), "the window has closed");
        assertFalse(tokens(NEW, Optional.empty(), Instant.MAX).valid(id, EXPIRES, signedWithOld), "no rotation");
        assertTrue(tokens(NEW, Optional.of(OLD), NOW.plusSeconds(1)).valid(id, EXPIRES,
                tokens(NEW, Optional.empty(), Instant.MIN).sign(id, EXPIRES)), "the new secret works meanwhile");
    }

    @Test
    void withoutKeysNothingIsSignedOrAcceptedAndTheRefusalIsRetryable() {
        SigningKeys none = () -> Result.err(ErrorCode.SIGNING_UNAVAILABLE, "the secret store did not answer");
        var result = new ExportTokens(none, Clock.fixed(NOW, ZoneOffset.UTC)).signer();
        var err = assertInstanceOf(Result.Err.class, result);
        assertEquals(ErrorCode.SIGNING_UNAVAILABLE, err.code());
        assertEquals(ErrorCode.Kind.UNAVAILABLE, err.code().kind());
    }

    @Test
    void keysAreReadOnEveryUseSoARotationInTheStoreApplies() {
        var current = new java.util.concurrent.atomic.AtomicReference<>(
                new SigningKeys.Keys(OLD, Optional.empty(), Instant.MIN));
        var tokens = new ExportTokens(() -> Result.ok(current.get()), Clock.fixed(NOW, ZoneOffset.UTC));
        String signedWithOld = tokens.signer().orElseThrow().sign(id, EXPIRES);

        current.set(new SigningKeys.Keys(NEW, Optional.of(OLD), NOW.plusSeconds(1)));
        assertEquals(tokens(NEW, Optional.empty(), Instant.MIN).sign(id, EXPIRES),
                tokens.signer().orElseThrow().sign(id, EXPIRES), "new links carry the new secret");
        assertTrue(tokens.signer().orElseThrow().valid(id, EXPIRES, signedWithOld), "old links live in the window");
    }

    @Test
    void aShortSecretIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> tokens("short".getBytes(StandardCharsets.UTF_8), Optional.empty(), Instant.MIN));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> tokens(NEW, Optional.of("short".getBytes(StandardCharsets.UTF_8)), Instant.MAX));
    }
}
