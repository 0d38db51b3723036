package dev.stowage.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client is built on its first call, once: signing a URL (the presigner's work) never builds it. */
class LazyS3ClientTest {

    @Test
    void theStoreSignsWithoutBuildingTheClientAndBuildsItOnceOnItsFirstCall() {
        Map<String, Object> properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("test.count-s3-clients", true);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            ObjectStore store = context.getBean(ObjectStore.class);
            Counter built = context.getBean(Counter.class);

            var signed = store.presignPut(new ObjectStore.PutSpec("lazy/" + UUID.randomUUID(), "image/jpeg", 10,
                    Optional.empty(), Duration.ofMinutes(1)));
            assertTrue(signed.url().toString().contains("X-Amz-Signature"), signed.url().toString());
            assertEquals(0, built.clients.get(), "signing a URL built the S3 client");

            assertEquals(Optional.empty(), store.head("lazy/" + UUID.randomUUID()));
            assertEquals(Optional.empty(), store.head("lazy/" + UUID.randomUUID()));
            assertEquals(1, built.clients.get(), "the S3 client is built on the first call and kept");
        }
    }

    @Test
    void closingTheContextBuildsNoClientThatWasNeverCalled() {
        Map<String, Object> properties = new HashMap<>(TestStack.get().micronautProperties());
        properties.put("test.count-s3-clients", true);
        Counter built;
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            context.getBean(ObjectStore.class);
            built = context.getBean(Counter.class);
        }
        assertEquals(0, built.clients.get(), "closing the context built the S3 client to close it");
    }

    /** Counts the S3 clients the context builds (the real ones, behind the proxy). */
    @Singleton
    @Requires(property = "test.count-s3-clients")
    static class Counter implements BeanCreatedEventListener<S3Client> {
        final AtomicInteger clients = new AtomicInteger();

        @Override
        public S3Client onCreated(BeanCreatedEvent<S3Client> event) {
            if (!(event.getBean() instanceof io.micronaut.aop.InterceptedProxy<?>)) {
                clients.incrementAndGet();
            }
            return event.getBean();
        }
    }
}
