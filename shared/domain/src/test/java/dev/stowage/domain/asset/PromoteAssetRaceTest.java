package dev.stowage.domain.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.TestProfiles;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.variant.Variant;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The interleaving the lifecycle benchmark caught: two runs both read the asset as promoting; the first
 * copies, promotes and deletes staging before the second copies. The ports here stand in for exactly
 * that moment, which a test against the real services cannot pin down.
 */
class PromoteAssetRaceTest {
    final UUID id = UUID.randomUUID();
    /** What the database holds; the first read of a run still sees promoting, as in the race. */
    final AtomicReference<AssetState> state = new AtomicReference<>(AssetState.PROMOTING);
    int reads;
    final Asset promoting = Asset.staged(id, new Principal("p"), "image", "a.jpg", "image/jpeg", 10,
            Optional.empty(), "staging/x/a.jpg", Instant.EPOCH);

    Assets assets() {
        return new Assets() {
            public void insert(Asset a) { throw new UnsupportedOperationException(); }
            public Optional<Asset> find(UUID i, Principal o) { throw new UnsupportedOperationException(); }
            public Optional<Asset> findByStagingKey(String k) { throw new UnsupportedOperationException(); }
            public boolean transition(UUID i, AssetState f, AssetState t) { throw new UnsupportedOperationException(); }
            public boolean recordAnalysis(UUID i, ProbeResult p, AssetState t, Optional<String> r) {
                throw new UnsupportedOperationException();
            }
            public boolean deleteStaged(UUID i) { throw new UnsupportedOperationException(); }
            public List<Variant> variantsOf(UUID a) { return List.of(); }

            public Optional<Asset> findById(UUID i) {
                AssetState seen = reads++ == 0 ? AssetState.PROMOTING : state.get();
                return Optional.of(new Asset(id, promoting.owner(), "image", seen, "a.jpg", "image/jpeg", 10,
                        Optional.empty(), promoting.stagingKey(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Instant.EPOCH, Instant.EPOCH));
            }

            public boolean promote(UUID i, String key, List<String> variants) {
                return state.compareAndSet(AssetState.PROMOTING, AssetState.AVAILABLE);
            }
        };
    }

    /** Staging is gone; the original exists only if {@code originalCopied}. */
    ObjectStore store(boolean originalCopied) {
        return new ObjectStore() {
            public void put(String k, InputStream b, long l, String t) { throw new UnsupportedOperationException(); }
            public byte[] read(String k, long o, int l) { throw new UnsupportedOperationException(); }
            public InputStream open(String k) { throw new UnsupportedOperationException(); }
            public void delete(String k) { throw new UnsupportedOperationException("nothing to delete"); }
            public PresignedRequest presignPut(PutSpec s) { throw new UnsupportedOperationException(); }
            public PresignedRequest presignGet(String k, java.time.Duration t) { throw new UnsupportedOperationException(); }

            public void copy(String from, String to) {
                throw new ObjectMissing(from);
            }

            public Optional<ObjectInfo> head(String key) {
                return originalCopied && key.equals(StorageKeys.original(id))
                        ? Optional.of(new ObjectInfo(key, 10, "image/jpeg", "e", Optional.empty()))
                        : Optional.empty();
            }
        };
    }

    PromoteAsset promote(ObjectStore store) {
        MediaProbe unused = (head, size) -> { throw new UnsupportedOperationException(); };
        return new PromoteAsset(assets(), store, unused, new Profiles(List.of(TestProfiles.IMAGE)), 1024);
    }

    @Test
    void aRunThatFindsStagingAlreadyPromotedAwayIsANoOp() {
        state.set(AssetState.AVAILABLE); // the winner committed between our read and our copy
        assertEquals(AssetState.AVAILABLE, promote(store(true)).run(id).orElseThrow().state());
    }

    @Test
    void losingTheStagingObjectWithoutAnOriginalIsStillAnError() {
        assertThrows(ObjectStore.ObjectMissing.class, () -> promote(store(false)).run(id));
        assertEquals(AssetState.PROMOTING, state.get());
    }
}
