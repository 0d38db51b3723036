package dev.stowage.domain.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Download tokens: HMAC-SHA256 over an export's id and expiry under the server secret, base64url without
 * padding. The token carries nothing itself; the expiry it binds is read from the row, so a token outlives
 * neither its export nor a change of the export's expiry. During a rotation, tokens signed with the
 * previous secret are accepted until {@code previousValidUntil}.
 */
public final class ExportTokens {
    /** The shortest secret accepted: as many bytes as the MAC. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private final byte[] secret;
    private final Optional<byte[]> previous;
    private final Instant previousValidUntil;
    private final Clock clock;

    public ExportTokens(byte[] secret, Optional<byte[]> previous, Instant previousValidUntil, Clock clock) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("export secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.secret = secret.clone();
        this.previous = previous.map(byte[]::clone);
        this.previousValidUntil = previousValidUntil;
        this.clock = clock;
    }

    public String sign(UUID id, Instant expiresAt) {
        return sign(secret, id, expiresAt);
    }

    /** Constant-time check against the current secret, and the previous one inside its window. */
    public boolean valid(UUID id, Instant expiresAt, String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        // Strings, not decoded bytes, are compared: base64 has spellings that decode alike.
        boolean current = MessageDigest.isEqual(bytes(sign(secret, id, expiresAt)), given);
        boolean old = previous.isPresent() && clock.instant().isBefore(previousValidUntil)
                && MessageDigest.isEqual(bytes(sign(previous.get(), id, expiresAt)), given);
        return current | old;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String sign(byte[] key, UUID id, Instant expiresAt) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            byte[] tag = mac.doFinal((id + "\n" + expiresAt.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + HMAC, e);
        }
    }
}
