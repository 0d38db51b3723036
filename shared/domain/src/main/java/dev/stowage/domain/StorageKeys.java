package dev.stowage.domain;

import java.util.UUID;

/**
 * The bucket layout (docs/architecture.md §5). Keys come from ids; a client filename only ever appears as the
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

    /** Whether the key is an asset's original: nothing else lives under {@code assets/}. */
    public static boolean isOriginal(String key) {
        return key.startsWith(ASSETS);
    }

    /**
     * Where a variant's rendering lives: under its asset, named by the recipe that made it, so a changed
     * recipe never overwrites bytes a browser or CDN may hold under an immutable cache header, and a
     * retried render of one recipe overwrites its own object instead of leaving another behind.
     */
    public static String variant(UUID assetId, String name, String recipeDigest, String format) {
        return VARIANTS + assetId + "/" + name + "-" + recipeDigest + "." + format;
    }
}
