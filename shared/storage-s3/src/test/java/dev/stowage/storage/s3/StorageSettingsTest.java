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
                "stowage.storage.path-style", "true"))) {
            StorageSettings settings = context.getBean(StorageSettings.class);
            assertEquals(new StorageSettings("media", "eu-central-1", URI.create("http://127.0.0.1:9000"),
                    "key", "secret", true), settings);
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
        }
    }

    private static String messages(Throwable failure) {
        var all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
