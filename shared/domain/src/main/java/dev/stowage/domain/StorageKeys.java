package dev.stowage.domain;

import java.util.Optional;
import java.util.UUID;

/**
 * The bucket layout (DESIGN.md §5). Keys come from ids; a client filename only ever appears as the
 * last segment of a staging key, after {@link Filenames} has refused separators and dot segments.
 */
public final class StorageKeys {
    public static final String STAGING = "staging/";
    public static final String ASSETS = "assets/";
    public static final String VARIANTS = "variants/";
    public static final String EXPORTS = "exports/";
    public static final String STAGED_FILES = "staged-files/";

    private StorageKeys() {}

    public static String stagingUpload(UUID sessionId, String filename) {
        return STAGING + sessionId + "/" + filename;
    }

    public static String stagingProxied(UUID assetId, String filename) {
        return STAGING + "proxied/" + assetId + "/" + filename;
    }

    public static String original(UUID assetId) {
        return ASSETS + assetId + "/original";
    }

    public static String variant(UUID assetId, String variantName, String extension) {
        return VARIANTS + assetId + "/" + variantName + "." + extension;
    }

    public static boolean isStaging(String key) {
        return key.startsWith(STAGING);
    }

    /** The session id in a direct-upload staging key, if the key has that shape. */
    public static Optional<UUID> sessionIdOf(String stagingKey) {
        if (!isStaging(stagingKey)) {
            return Optional.empty();
        }
        String rest = stagingKey.substring(STAGING.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(rest.substring(0, slash)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
