package dev.stowage.domain;

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
}
