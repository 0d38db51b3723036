package dev.stowage.domain.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.port.StorageDrift.StoredRow;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which rows promise that their object is in storage: what callers may be handed. */
class StorageAccountingTest {
    @ParameterizedTest(name = "{0} {1} at {2}: {3}")
    @CsvSource({
        "ASSET,       available,   assets/a/original,         true",
        "ASSET,       processing,  assets/a/original,         true",
        "ASSET,       ready,       assets/a/original,         true",
        "ASSET,       degraded,    assets/a/original,         true",
        "ASSET,       quarantined, assets/a/original,         false",
        "ASSET,       deleted,     assets/a/original,         false",
        "ASSET,       promoting,   assets/a/original,         false",
        // an asset names its staging object too, which is in flight whatever the asset's state
        "ASSET,       ready,       staging/s/photo.jpg,       false",
        "SESSION,     completed,   staging/s/photo.jpg,       false",
        "SESSION,     uploading,   staging/s/photo.jpg,       false",
        "VARIANT,     ready,       variants/a/thumb-d.jpeg,   true",
        "VARIANT,     missing,     variants/a/thumb-d.jpeg,   false",
        "VARIANT,     processing,  variants/a/thumb-d.jpeg,   false",
        "EXPORT,      ready,       exports/e,                 true",
        "EXPORT,      pending,     exports/e,                 false",
        "STAGED_FILE, present,     staged-files/abc,          true",
        "STAGED_FILE, pending,     staged-files/abc,          false",
    })
    void aRowPromisesItsObjectWhenACallerMayBeHandedIt(StoredRow.Kind kind, String state, String key,
                                                       boolean promises) {
        assertEquals(promises, StorageAccounting.promisesObject(new StoredRow(key, kind, UUID.randomUUID(), state,
                Instant.EPOCH)));
    }
}
