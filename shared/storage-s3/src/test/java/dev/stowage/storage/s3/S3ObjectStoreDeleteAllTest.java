package dev.stowage.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link S3ObjectStore#deleteAll} beyond the contract: what a DeleteObjects answer means key by key (S3 answers 200
 * with per-key errors, such as AccessDenied for a key the role may not delete, which the local server has no way to
 * produce, hence the answers built here), and, against the test kit's server, a failed request and S3's per-request
 * limit that makes the split necessary.
 */
class S3ObjectStoreDeleteAllTest {
    private static ApplicationContext context;

    @BeforeAll
    static void startContext() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
    }

    @AfterAll
    static void stopContext() {
        context.close();
    }

    @Test
    void aKeyTheAnswerListsAsAnErrorIsFailedWithItsCodeAndMessageAndTheOthersAreDeleted() {
        DeleteObjectsResponse answer = DeleteObjectsResponse.builder()
                .deleted(DeletedObject.builder().key("staging/a/1.jpg").build(),
                        DeletedObject.builder().key("staging/c/3.jpg").deleteMarker(true).build())
                .errors(S3Error.builder().key("staging/b/2.jpg").code("AccessDenied").message("Access Denied").build())
                .build();

        ObjectStore.Deletion d = S3ObjectStore.outcome(List.of("staging/a/1.jpg", "staging/b/2.jpg", "staging/c/3.jpg"),
                answer);

        assertEquals(Set.of("staging/a/1.jpg", "staging/c/3.jpg"), d.deleted());
        assertEquals(Map.of("staging/b/2.jpg", "AccessDenied: Access Denied"), d.failed());
    }

    @Test
    void aKeyTheAnswerDoesNotNameOrNamesBothWaysIsNotTakenAsDeletedAndAKeyNotAskedForIsIgnored() {
        DeleteObjectsResponse answer = DeleteObjectsResponse.builder()
                .deleted(DeletedObject.builder().key("both").build(), DeletedObject.builder().key("not-asked").build())
                .errors(S3Error.builder().key("both").code("InternalError").message("try again").build())
                .build();

        ObjectStore.Deletion d = S3ObjectStore.outcome(List.of("both", "unnamed"), answer);

        assertEquals(Set.of(), d.deleted());
        assertEquals(Set.of("both", "unnamed"), d.failed().keySet());
        assertEquals("InternalError: try again", d.failed().get("both"));
        assertTrue(d.failed().get("unnamed").contains("did not confirm"), d.failed().toString());
    }

    @Test
    void aRequestStorageRefusesAsAWholeFailsEveryKeyOfItWithoutThrowing() {
        var settings = context.getBean(StorageSettings.class);
        ObjectStore real = context.getBean(ObjectStore.class);
        String kept = "contract/" + UUID.randomUUID() + "/kept";
        real.put(kept, new byte[] {1}, "text/plain");
        // Signed with a wrong secret: the server refuses the request itself (403), not any one key.
        var wrongSecret = new StorageSettings(settings.bucket(), settings.region(), settings.endpoint(),
                settings.accessKeyId(), "not-" + settings.secretAccessKey(), settings.pathStyle(),
                settings.multipartCopyThreshold(), settings.copyPartSize(), settings.copyConcurrency());
        var clients = new S3Clients();
        try (S3Client s3 = clients.s3Client(wrongSecret); S3Presigner presigner = clients.s3Presigner(wrongSecret)) {
            var store = new S3ObjectStore(s3, presigner, wrongSecret);

            ObjectStore.Deletion d = store.deleteAll(List.of(kept, "staging/y/2.jpg"));

            assertEquals(Set.of(), d.deleted());
            assertEquals(Set.of(kept, "staging/y/2.jpg"), d.failed().keySet());
            assertTrue(d.failed().get(kept).contains("403"), d.failed().toString());
        }
        assertTrue(real.head(kept).isPresent(), "nothing was deleted");
    }

    @Test
    void theServerRefusesMoreThanAThousandKeysInOneRequestSoTheContractsLargeBatchProvesTheSplit() {
        List<ObjectIdentifier> keys = new ArrayList<>();
        for (int i = 0; i <= S3ObjectStore.MAX_KEYS_PER_DELETE; i++) {
            keys.add(ObjectIdentifier.builder().key("contract/too-many/" + i).build());
        }
        String bucket = context.getBean(StorageSettings.class).bucket();

        assertThrows(S3Exception.class, () -> context.getBean(S3Client.class)
                .deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(keys))));
    }
}
