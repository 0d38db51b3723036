package dev.stowage.storage.s3;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.ObjectStoreContract;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link S3ObjectStore}, built by the Micronaut context from settings, against the test kit's S3-compatible server. */
class S3ObjectStoreContractTest extends ObjectStoreContract {

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
    protected ObjectStore store() {
        return context.getBean(ObjectStore.class);
    }

    // Asked with ChecksumMode.ENABLED, S3 and s3proxy report the checksum a PUT declared.
    @Override
    protected boolean keepsChecksums() {
        return true;
    }
}
