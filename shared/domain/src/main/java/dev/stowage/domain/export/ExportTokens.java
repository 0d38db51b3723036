package dev.stowage.domain.export;

import dev.stowage.domain.Result;
import dev.stowage.domain.port.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Download tokens: HMAC-SHA256 over an export's id and expiry under the server secret, base64url without
 * padding. The token carries nothing itself; the expiry it binds is read from the row, so a token outlives
 * neither its export nor a change of the export's expiry. During a rotation, tokens signed with the
 * previous secret are accepted until its valid-until instant. The secrets come from {@link SigningKeys}
 * on each use, so a rotation in the secret store reaches a running function; when they cannot be had,
 * nothing is signed or accepted ({@code signing_unavailable}).
 */
public final class ExportTokens {
    /** The shortest secret accepted: as many bytes as the MAC. */
    public static final int MIN_SECRET_BYTES = SigningKeys.MIN_SECRET_BYTES;
    private static final String HMAC = "HmacSHA256";

    private final SigningKeys keys;
    private final Clock clock;

    public ExportTokens(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Configuration-held secrets, which never change. */
    public ExportTokens(byte[] secret, Optional<byte[]> previous, Instant previousValidUntil, Clock clock) {
        this(SigningKeys.fixed(new SigningKeys.Keys(secret, previous, previousValidUntil)), clock);
    }

    /** The signer under the keys in force now, or why there are none: every token operation starts here. */
    public Result<Signer> signer() {
        return keys.keys().map(k -> new Signer(k, clock.instant()));
    }

    /** Signs and checks under one set of keys, read once. */
    public static final class Signer {
        private final SigningKeys.Keys keys;
        private final Instant now;

        Signer(SigningKeys.Keys keys, Instant now) {
            this.keys = keys;
            this.now = now;
        }

        public String sign(UUID id, Instant expiresAt) {
            return ExportTokens.sign(keys.current(), id, expiresAt);
        }

        /** Constant-time check against the current secret, and the previous one inside its window. */
        public boolean valid(UUID id, Instant expiresAt, String token) {
            if (token == null || token.isEmpty()) {
                return false;
            }
            byte[] given = token.getBytes(StandardCharsets.UTF_8);
            // Strings, not decoded bytes, are compared: base64 has spellings that decode alike.
            boolean current = MessageDigest.isEqual(bytes(ExportTokens.sign(keys.current(), id, expiresAt)), given);
            boolean old = keys.previous().isPresent() && now.isBefore(keys.previousValidUntil())
                    && MessageDigest.isEqual(bytes(ExportTokens.sign(keys.previous().get(), id, expiresAt)), given);
            return current | old;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String sign(byte[] key, UUID id, Instant expiresAt) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            byte[] tag = mac.doFinal((id + "\n" + expiresAt.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + HMAC, e);
        }
    }
}
