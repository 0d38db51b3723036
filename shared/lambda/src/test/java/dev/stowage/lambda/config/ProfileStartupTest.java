package dev.stowage.lambda.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.profile.Profiles;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad profile stops the application context as it starts, naming the setting: a function must not come
 * up and then answer every request with a 500. Runs against the test stack so nothing else can fail first.
 */
class ProfileStartupTest {

    static Map<String, Object> with(String property, String value) {
        Map<String, Object> properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put(property, value);
        return properties;
    }

    @Test
    void theShippedProfilesStartTheContext() {
        try (var context = ApplicationContext.run(TestStack.get().micronautProperties())) {
            assertTrue(context.getBean(Profiles.class).find("video").isPresent());
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "stowage.profiles.image.variants.thumb, huge",
        "stowage.profiles.avatar.delivery,      carrier-pigeon",
        "stowage.profiles.document.stale-policy, sometimes",
        "stowage.profiles.video.sign-ttl,       0s",
    })
    void aBadProfileSettingStopsStartUpNamingTheSetting(String property, String value) {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(with(property, value)).close());
        String messages = messages(failure);
        assertTrue(messages.contains("invalid setting " + property), messages);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "stowage.purge.batch-size,                    0",
        "stowage.purge.orphan-grace,                  0s",
        "stowage.purge.detached-grace,                -1m",
        "stowage.purge.unattached-grace,              30s",
        "stowage.lifecycle.lease,                     0s",
        "stowage.lifecycle.complete-wait,             30s",
        "stowage.lifecycle.probe-window-bytes,        1KB",
        "stowage.lifecycle.proxied-max-bytes,         0",
        "stowage.lifecycle.complete-inline-max-bytes, -1",
    })
    void aBadLifecycleOrPurgeSettingStopsStartUpNamingTheSetting(String property, String value) {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(with(property, value)).close());
        String messages = messages(failure);
        assertTrue(messages.contains("invalid setting " + property), messages);
    }

    @Test
    void aFunctionWithoutItsBucketStopsStartUpNamingTheSetting() {
        // What a function deployed without STOWAGE_BUCKET sees: application.yml gives the bucket no default.
        Map<String, Object> properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.remove("stowage.storage.bucket");
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(properties).close());
        String messages = messages(failure);
        assertTrue(messages.contains("stowage.storage.bucket is not set") && messages.contains("STOWAGE_BUCKET"),
                messages);
    }

    private static String messages(Throwable failure) {
        var all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
