package dev.stowage.domain;

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
}
