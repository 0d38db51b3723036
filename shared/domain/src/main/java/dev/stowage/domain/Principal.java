package dev.stowage.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The caller every read and write is scoped to: the JWT {@code sub} claim. It is the JDK's own
 * {@link java.security.Principal}, so tools that know that type (the OpenAPI generator) treat a
 * controller's caller argument as the authenticated caller, not as request input.
 */
public record Principal(String id) implements java.security.Principal {
    public Principal {
        Objects.requireNonNull(id, "id");
        if (!isAcceptable(id)) {
            throw new IllegalArgumentException("principal id is blank or holds control characters");
        }
    }

    /**
     * Whether a subject can name a caller: not blank, and no control characters (PostgreSQL text cannot
     * even store U+0000, and no identity provider issues them).
     */
    public static boolean isAcceptable(String id) {
        return id != null && !id.isBlank() && id.codePoints().noneMatch(Character::isISOControl);
    }

    /** A short, stable handle for logs that does not reveal who the caller is: 12 hex digits of SHA-256. */
    public String digest() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String getName() {
        return id;
    }
}
