package dev.stowage.domain.stagedfile;

import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * One principal's entry in the staged-file registry: a declared file (checksum, name, size) whose bytes live
 * in the content-addressed object {@code staged-files/<sha256 hex>}, shared by every entry with that checksum.
 * A persisted entry never expires; an expirable one has a TTL that each re-stage slides forward.
 */
public record StagedFile(
        UUID id,
        Principal owner,
        String checksumHex,
        String name,
        long byteSize,
        Optional<String> contentType,
        State state,
        boolean persist,
        OptionalLong ttlSeconds,
        Optional<Instant> expiresAt,
        Instant createdAt,
        Instant updatedAt) {

    /** {@code pending}: declared, bytes not confirmed yet; {@code present}: storage holds exactly these bytes. */
    public enum State {
        PENDING, PRESENT;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static State fromWire(String wire) {
            return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public String storageKey() {
        return key(checksumHex);
    }

    /** The content-addressed key of the bytes whose SHA-256 is {@code checksumHex} (lower-case hex). */
    public static String key(String checksumHex) {
        return StorageKeys.STAGED_FILES + checksumHex;
    }

    /** The checksum a key names, or empty for a key that is not a staged file's. */
    public static Optional<String> checksumOf(String key) {
        if (key == null || !key.startsWith(StorageKeys.STAGED_FILES)) {
            return Optional.empty();
        }
        String hex = key.substring(StorageKeys.STAGED_FILES.length());
        return hex.matches("[0-9a-f]{64}") ? Optional.of(hex) : Optional.empty();
    }
}
