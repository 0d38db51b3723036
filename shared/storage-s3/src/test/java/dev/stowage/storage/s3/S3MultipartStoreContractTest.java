package dev.stowage.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.MultipartStore.Part;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.MultipartStoreContract;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link S3MultipartStore}, built by the Micronaut context from settings, against the test kit's S3-compatible server. */
class S3MultipartStoreContractTest extends MultipartStoreContract {

    private static ApplicationContext context;

    @BeforeAll
    static void startContext() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
    }

    @AfterAll
    static void stopContext() {
        if (context != null) {
            context.close();
        }
    }

    @Override
    protected MultipartStore multipartStore() {
        return context.getBean(MultipartStore.class);
    }

    @Override
    protected ObjectStore objectStore() {
        return context.getBean(ObjectStore.class);
    }

    // The contract lets a store answer either way; this one passes on what the server says, and s3proxy 4.1
    // (like S3) answers a same-parts retry of a complete that succeeded with the object's ETag.
    @Test
    void aRetryWithTheSamePartsOfACompleteThatSucceededReturnsTheSameEtag() {
        String key = key("retried");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part part = uploadPart(key, uploadId, 1, new byte[] {1, 2, 3});
        Optional<String> etag = multipartStore().complete(key, uploadId, List.of(part));

        assertEquals(etag, multipartStore().complete(key, uploadId, List.of(part)));
    }
}
