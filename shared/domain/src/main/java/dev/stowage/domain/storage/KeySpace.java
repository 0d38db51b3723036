package dev.stowage.domain.storage;

import dev.stowage.domain.StorageKeys;

/**
 * The bucket's top-level prefixes (docs/architecture.md §5, {@link StorageKeys}), each with the rows that name
 * objects in it: upload sessions and assets name {@code staging/} keys, assets their originals, variants their
 * renderings, exports the files they wrote, staged files (several principals' rows may share one checksum's object)
 * theirs.
 */
public enum KeySpace {
    STAGING(StorageKeys.STAGING),
    ASSETS(StorageKeys.ASSETS),
    VARIANTS(StorageKeys.VARIANTS),
    EXPORTS(StorageKeys.EXPORTS),
    STAGED_FILES(StorageKeys.STAGED_FILES);

    private final String prefix;

    KeySpace(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }
}
