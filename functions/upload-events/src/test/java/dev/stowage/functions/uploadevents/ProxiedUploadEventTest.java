package dev.stowage.functions.uploadevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A proxied upload is promoted inside its own request; the S3 event for its staging PUT arrives after
 * that and must find the work done: no session, the asset by its staging key, nothing changed.
 */
class ProxiedUploadEventTest {
    static ApplicationContext context;
    static ObjectStore store;
    static Assets assets;
    final Principal erin = new Principal("erin-" + UUID.randomUUID());

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        store = context.getBean(ObjectStore.class);
        assets = context.getBean(Assets.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void theEventForAFinishedProxiedUploadIsAlreadyHandledAndChangesNothing() {
        byte[] webp = TestMedia.bytes("photo.webp");
        Asset promoted = context.getBean(ProxiedUpload.class).execute(erin, new ProxiedUpload.Command(
                new UploadAdmission.Declared("image", "photo.webp", "image/webp", (long) webp.length, null), webp))
                .orElseThrow();
        assertEquals(AssetState.PROCESSING, promoted.state());
        String stagingKey = StorageKeys.stagingProxied(promoted.id(), "photo.webp");
        String original = StorageKeys.original(promoted.id());
        var originalBefore = store.head(original).orElseThrow();
        Asset before = assets.findById(promoted.id()).orElseThrow();
        int variants = assets.variantsOf(promoted.id()).size();
        List<String> deleted = new ArrayList<>();
        ObjectStore watching = new DelegatingObjectStore(store) {
            @Override
            public void delete(String key) {
                deleted.add(key);
                super.delete(key);
            }
        };

        var outcome = TestLane.of(context).storage(watching).verify().objectCreated(stagingKey);

        assertEquals(VerifyUpload.EventOutcome.ALREADY_HANDLED, outcome);
        assertEquals(before, assets.findById(promoted.id()).orElseThrow(), "the asset row is untouched");
        assertEquals(variants, assets.variantsOf(promoted.id()).size(), "no variant planned twice");
        assertTrue(deleted.stream().noneMatch(key -> key.startsWith(StorageKeys.ASSETS)), deleted.toString());
        assertEquals(originalBefore, store.head(original).orElseThrow(), "the original is the same object");
    }
}
