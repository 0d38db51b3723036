package dev.stowage.lambda.streaming;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mux's webhook signature: {@code Mux-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.rawBody">}.
 * Compared in constant time; a timestamp outside the tolerance window is refused, so a captured webhook
 * cannot be replayed later (within the window, a replay is harmless: applying an event is idempotent).
 */
public final class MuxSignature {
    public static final String HEADER = "Mux-Signature";

    /** Why a signature was refused, or that it was good. */
    public enum Verdict { VALID, MISSING, MALFORMED, STALE, MISMATCH }

    private MuxSignature() {}

    public static Verdict verify(Optional<String> header, byte[] body, byte[] secret, Instant now, Duration tolerance) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Verdict.MISSING;
        }
        Long t = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.get().split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                return Verdict.MALFORMED;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                if (!value.matches("\\d{1,12}")) {
                    return Verdict.MALFORMED;
                }
                t = Long.parseLong(value);
            } else if (key.equals("v1")) {
                if (!value.matches("[0-9a-fA-F]{64}")) {
                    return Verdict.MALFORMED;
                }
                candidates.add(HexFormat.of().parseHex(value));
            }
        }
        if (t == null || candidates.isEmpty()) {
            return Verdict.MALFORMED;
        }
        if (Duration.between(Instant.ofEpochSecond(t), now).abs().compareTo(tolerance) > 0) {
            return Verdict.STALE;
        }
        byte[] expected = hmac(secret, t, body);
        boolean match = false;
        for (byte[] candidate : candidates) {
            match |= MessageDigest.isEqual(expected, candidate); // every candidate, so timing says nothing
        }
        return match ? Verdict.VALID : Verdict.MISMATCH;
    }

    /** The header Mux would send for {@code body} at {@code t}. */
    public static String sign(byte[] secret, long t, byte[] body) {
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, t, body));
    }

    static byte[] hmac(byte[] secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
