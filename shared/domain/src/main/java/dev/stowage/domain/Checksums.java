package dev.stowage.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** SHA-256 checksums as clients send them (hex or base64) and as S3 carries them (base64). */
public final class Checksums {
    private Checksums() {}

    /** The checksum in base64, or empty if {@code value} is neither 64 hex digits nor 32 bytes of base64. */
    public static Optional<String> sha256ToBase64(String value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.matches("[0-9a-fA-F]{64}")) {
            return Optional.of(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(value)));
        }
        try {
            byte[] raw = Base64.getDecoder().decode(value);
            return raw.length == 32 ? Optional.of(Base64.getEncoder().encodeToString(raw)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The SHA-256 of {@code bytes}, in base64. */
    public static String sha256Base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(sha256().digest(bytes));
    }

    /** The SHA-256 of everything {@code in} yields, in base64; the stream is closed. */
    public static String sha256Base64(InputStream in) {
        MessageDigest digest = sha256();
        try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
