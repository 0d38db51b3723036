package dev.stowage.functions.uploads;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.DelegatingObjectStore;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps the context's real {@link ObjectStore} so a test can see every key written through it, including
 * writes that an immediate delete (promotion clears staging) would hide from a look at the bucket. Only in
 * contexts that set {@code stowage.test.record-writes}.
 */
@Singleton
@Requires(property = "stowage.test.record-writes", value = "true")
class RecordedWrites implements BeanCreatedEventListener<ObjectStore> {
    private final List<String> keys = new CopyOnWriteArrayList<>();

    @Override
    public ObjectStore onCreated(BeanCreatedEvent<ObjectStore> event) {
        return new DelegatingObjectStore(event.getBean()) {
            @Override
            public void put(String key, InputStream body, long length, String contentType) {
                keys.add(key);
                super.put(key, body, length, contentType);
            }
        };
    }

    /** Keys written so far whose last segment is {@code filename}. */
    List<String> named(String filename) {
        return keys.stream().filter(key -> key.endsWith("/" + filename)).toList();
    }
}
