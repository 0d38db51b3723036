package dev.stowage.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding and start-up validation of {@code stowage.storage.*}; needs no server. */
class StorageSettingsTest {

    @Test
    void aContextWithoutABucketFailsAtStartUpNamingTheProperty() {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> ApplicationContext.run(Map.of()).close());
        assertTrue(messages(failure).contains("stowage.storage.bucket"), messages(failure));
    }

    @Test
    void aBlankBucketIsRefused() {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(Map.of("stowage.storage.bucket", " ")).close());
        assertTrue(messages(failure).contains("stowage.storage.bucket"), messages(failure));
    }

    @Test
    void anAccessKeyWithoutItsSecretIsRefused() {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> ApplicationContext.run(Map.of(
                "stowage.storage.bucket", "b", "stowage.storage.access-key-id", "AKIA")).close());
        assertTrue(messages(failure).contains("stowage.storage.secret-access-key"), messages(failure));
    }

    @Test
    void kebabCasePropertiesBindToEverySetting() {
        try (var context = ApplicationContext.run(Map.of(
                "stowage.storage.bucket", "media",
                "stowage.storage.region", "eu-central-1",
                "stowage.storage.endpoint", "http://127.0.0.1:9000",
                "stowage.storage.access-key-id", "key",
                "stowage.storage.secret-access-key", "secret",
                "stowage.storage.path-style", "true",
                "stowage.storage.multipart-copy-threshold", "100MB",
                "stowage.storage.copy-part-size", "32MB",
                "stowage.storage.copy-concurrency", "4"))) {
            StorageSettings settings = context.getBean(StorageSettings.class);
            assertEquals(new StorageSettings("media", "eu-central-1", URI.create("http://127.0.0.1:9000"),
                    "key", "secret", true, 100L << 20, 32L << 20, 4), settings);
            assertFalse(settings.toString().contains("secret,"), "toString leaks the secret: " + settings);
        }
    }

    @Test
    void withoutOptionalSettingsTheDefaultsAndTheDefaultCredentialsChainApply() {
        try (var context = ApplicationContext.run(Map.of("stowage.storage.bucket", "media"))) {
            StorageSettings settings = context.getBean(StorageSettings.class);
            String lambdaRegion = System.getenv("AWS_REGION");
            assertEquals(lambdaRegion == null || lambdaRegion.isBlank() ? "us-east-1" : lambdaRegion, settings.region());
            assertNull(settings.endpoint());
            assertFalse(settings.pathStyle());
            assertFalse(settings.hasStaticCredentials());
            assertEquals(64L << 20, settings.multipartCopyThreshold());
            assertEquals(64L << 20, settings.copyPartSize());
            assertEquals(16, settings.copyConcurrency());
        }
    }

    @Test
    void aCopyThresholdAboveWhatCopyObjectCanCopyIsRefused() {
        // CopyObject stops at 5 GiB: a larger threshold would send objects to a copy that cannot work.
        RuntimeException failure = assertThrows(RuntimeException.class, () -> ApplicationContext.run(Map.of(
                "stowage.storage.bucket", "b", "stowage.storage.multipart-copy-threshold", "6GB")).close());
        assertTrue(messages(failure).contains("stowage.storage.multipart-copy-threshold"), messages(failure));
    }

    @Test
    void copyPartsSmallerThanS3AcceptsAndAConcurrencyOfNoneAreRefused() {
        RuntimeException small = assertThrows(RuntimeException.class, () -> ApplicationContext.run(Map.of(
                "stowage.storage.bucket", "b", "stowage.storage.copy-part-size", "4MB")).close());
        assertTrue(messages(small).contains("stowage.storage.copy-part-size"), messages(small));
        RuntimeException none = assertThrows(RuntimeException.class, () -> ApplicationContext.run(Map.of(
                "stowage.storage.bucket", "b", "stowage.storage.copy-concurrency", "0")).close());
        assertTrue(messages(none).contains("stowage.storage.copy-concurrency"), messages(none));
    }

    private static String messages(Throwable failure) {
        var all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
