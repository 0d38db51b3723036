package dev.stowage.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.CopySpec;
import dev.stowage.domain.port.ObjectStore.ObjectChanged;
import dev.stowage.domain.port.ObjectStore.ObjectMissing;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import dev.stowage.domain.port.ObjectStore.PutSpec;
import dev.stowage.domain.upload.PartPlan;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link S3ObjectStore#copy} above its multipart-copy threshold ({@link S3PartCopy}), against the test kit's
 * S3-compatible server: 5 MiB parts, two at a time, and the context's store (default threshold, one
 * {@code CopyObject}) to compare with. A hook on the part-copying store's requests re-PUTs the source at a chosen
 * moment, so the race with an uploader is played exactly, without timing.
 */
class S3PartCopyTest {

    private static final long MIB = PartPlan.MIB;
    private static final int SIZE = (int) (12 * MIB) + 123; // two whole 5 MiB parts and the rest
    private static final Duration TTL = Duration.ofMinutes(5);

    private static ApplicationContext context;
    private static S3Client watched;
    private static S3Presigner presigner;
    private static final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private static volatile Hook hook = Hook.NONE;

    private final String prefix = "part-copy/" + UUID.randomUUID() + "/";

    /** Runs {@code action} once, after the first request {@code when} accepts has been answered. */
    private record Hook(Predicate<SdkRequest> when, Runnable action, AtomicBoolean fired) {
        static final Hook NONE = new Hook(r -> false, () -> { }, new AtomicBoolean());

        static Hook after(Predicate<SdkRequest> when, Runnable action) {
            return new Hook(when, action, new AtomicBoolean());
        }
    }

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        StorageSettings settings = partCopying(2);
        watched = S3Clients.s3ClientBuilder(settings).overrideConfiguration(c -> c.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void afterExecution(Context.AfterExecution done, ExecutionAttributes attributes) {
                        requests.add(operation(done.request()));
                        Hook current = hook;
                        if (current.when().test(done.request()) && current.fired().compareAndSet(false, true)) {
                            current.action().run();
                        }
                    }

                    @Override
                    public void onExecutionFailure(Context.FailedExecution failed, ExecutionAttributes attributes) {
                        requests.add(operation(failed.request()) + " (failed)");
                    }
                })).build();
        presigner = new S3Clients().s3Presigner(settings);
    }

    @AfterAll
    static void stop() {
        if (watched != null) {
            watched.close();
            presigner.close();
        }
        if (context != null) {
            context.close();
        }
    }

    @AfterEach
    void forgetHook() {
        hook = Hook.NONE;
        requests.clear();
    }

    private static String operation(SdkRequest request) {
        return request.getClass().getSimpleName().replace("Request", "");
    }

    private static StorageSettings partCopying(int concurrency) {
        TestStack stack = TestStack.get();
        return new StorageSettings(stack.bucket(), stack.s3Region(), stack.s3Endpoint(), stack.s3AccessKey(),
                stack.s3SecretKey(), true, 5 * MIB, 5 * MIB, concurrency);
    }

    /** A store that copies in 5 MiB parts above 5 MiB, {@code concurrency} at a time, through the watched client. */
    private static ObjectStore partStore(int concurrency) {
        return new S3ObjectStore(watched, presigner, partCopying(concurrency));
    }

    /** The context's store, with the default threshold: what it copies here it copies with one CopyObject. */
    private static ObjectStore wholeStore() {
        return context.getBean(ObjectStore.class);
    }

    private static MultipartStore multipart() {
        return context.getBean(MultipartStore.class);
    }

    // --- the plan

    @Test
    void anObjectIsCutInWholePartsAndTheRestWithRangesThatCoverEveryByteOnce() {
        S3PartCopy.Plan plan = S3PartCopy.Plan.of(SIZE, 5 * MIB);

        assertEquals(3, plan.partCount());
        assertEquals(List.of("bytes=0-5242879", "bytes=5242880-10485759", "bytes=10485760-" + (SIZE - 1)),
                List.of(plan.range(1), plan.range(2), plan.range(3)));
        assertEquals(1, S3PartCopy.Plan.of(5 * MIB, 5 * MIB).partCount(), "an exact part is one part");
        assertEquals(16, S3PartCopy.Plan.of(1L << 30, 64 * MIB).partCount(), "1 GiB in the default 64 MiB parts");
    }

    @Test
    void partsGrowInWholeMebibytesSoThatNoObjectNeedsMoreThanTenThousand() {
        long largest = PartPlan.MAX_OBJECT_SIZE; // 5 TiB, the largest object S3 holds
        S3PartCopy.Plan plan = S3PartCopy.Plan.of(largest, 5 * MIB);

        assertTrue(plan.partCount() <= PartPlan.MAX_PARTS, plan.toString());
        assertEquals(0, plan.partSize() % MIB, plan.toString());
        assertTrue(plan.partSize() <= PartPlan.MAX_PART_SIZE, plan.toString());
        assertEquals("bytes=" + (plan.partCount() - 1L) * plan.partSize() + "-" + (largest - 1),
                plan.range(plan.partCount()), "the last part ends on the last byte");
        assertEquals(64 * MIB, S3PartCopy.Plan.of(6L << 30, 64 * MIB).partSize(), "6 GiB keeps the preferred size");
    }

    // --- copies against the server

    @Test
    void aCopyAboveTheThresholdIsMadeInPartsAndServesExactlyWhatASingleCopyServes() {
        // An odd key: the copy source of every part is encoded as CopyObject's is.
        String source = key("staging/odd name+plus é.mp4");
        byte[] bytes = bytes(SIZE, 1);
        putAsAnUploaderWouldWithTheirOwnHeaders(source, bytes, "video/mp4");
        String etag = wholeStore().head(source).orElseThrow().etag();

        wholeStore().copy(new CopySpec(source, etag, SIZE, key("assets/whole"), "video/quicktime"));
        partStore(2).copy(new CopySpec(source, etag, SIZE, key("assets/parts"), "video/quicktime"));

        assertEquals(List.of("HeadObject", "CreateMultipartUpload", "UploadPartCopy", "UploadPartCopy",
                "UploadPartCopy", "CompleteMultipartUpload"), requests);
        HttpResponse<byte[]> whole = get(key("assets/whole"));
        HttpResponse<byte[]> parts = get(key("assets/parts"));
        assertArrayEquals(bytes, parts.body(), "the bytes of the part copy");
        assertArrayEquals(bytes, whole.body(), "the bytes of the single copy");
        for (String header : List.of("Content-Type", "Content-Length", "Content-Disposition", "Cache-Control",
                "Content-Encoding", "Content-Language", "Expires", "x-amz-meta-origin")) {
            assertEquals(whole.headers().allValues(header), parts.headers().allValues(header), header);
        }
        assertEquals(Optional.of("video/quicktime"), parts.headers().firstValue("Content-Type"));
        assertTrue(parts.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("x-amz-meta-")),
                "the uploader's metadata stayed behind: " + parts.headers().map());
        assertEquals(Optional.empty(), parts.headers().firstValue("Content-Disposition"));
        assertEquals(List.of(), multipart().listUploads(key("assets/"), 10), "no upload is left open");
    }

    @Test
    void replayingAPartCopyLeavesTheSameObject() {
        String source = key("staging/replayed");
        byte[] bytes = bytes(SIZE, 2);
        wholeStore().put(source, bytes, "video/mp4");
        CopySpec spec = new CopySpec(source, wholeStore().head(source).orElseThrow().etag(), SIZE,
                key("assets/replayed"), "video/mp4");

        partStore(2).copy(spec);
        partStore(2).copy(spec); // events arrive more than once

        assertArrayEquals(bytes, readAll(wholeStore().open(key("assets/replayed"))));
        assertEquals(List.of(), multipart().listUploads(key("assets/"), 10));
    }

    @Test
    void aSourceRePutBeforeTheCopyIsRefusedBeforeAnyUploadOpens() {
        String source = key("staging/changed-before");
        wholeStore().put(source, bytes(SIZE, 3), "video/mp4");
        String probed = wholeStore().head(source).orElseThrow().etag();
        wholeStore().put(source, bytes(SIZE, 4), "video/mp4"); // same length, other bytes

        assertThrows(ObjectChanged.class, () -> partStore(2).copy(
                new CopySpec(source, probed, SIZE, key("assets/changed-before"), "video/mp4")));

        assertEquals(List.of("HeadObject (failed)"), requests);
        assertEquals(Optional.empty(), wholeStore().head(key("assets/changed-before")));
    }

    @Test
    void aSourceRePutOnceTheUploadIsOpenFailsEveryPartAndLeavesNoTargetAndNoUpload() {
        String source = key("staging/changed-after-create");
        String target = key("assets/changed-after-create");
        wholeStore().put(source, bytes(SIZE, 5), "video/mp4");
        String verified = wholeStore().head(source).orElseThrow().etag();
        hook = Hook.after(CreateMultipartUploadRequest.class::isInstance,
                () -> wholeStore().put(source, bytes(SIZE, 6), "video/mp4"));

        assertThrows(ObjectChanged.class, () -> partStore(2).copy(new CopySpec(source, verified, SIZE, target,
                "video/mp4")));

        assertTrue(hook.fired().get(), "the source was re-PUT while the upload was open");
        assertTrue(requests.contains("UploadPartCopy (failed)"), requests.toString());
        assertEquals("AbortMultipartUpload", requests.getLast(), "the upload was aborted: " + requests);
        assertFalse(requests.contains("CompleteMultipartUpload"), requests.toString());
        assertEquals(Optional.empty(), wholeStore().head(target));
        assertEquals(List.of(), multipart().listUploads(target, 10), "no upload is left open");
    }

    @Test
    void aSourceRePutAfterAPartWasCopiedAbortsTheUploadWithThatPart() {
        String source = key("staging/changed-midway");
        String target = key("assets/changed-midway");
        wholeStore().put(source, bytes(SIZE, 7), "video/mp4");
        String verified = wholeStore().head(source).orElseThrow().etag();
        hook = Hook.after(UploadPartCopyRequest.class::isInstance,
                () -> wholeStore().put(source, bytes(SIZE, 8), "video/mp4"));

        // One part at a time: the first is copied, the second meets the new version.
        assertThrows(ObjectChanged.class, () -> partStore(1).copy(new CopySpec(source, verified, SIZE, target,
                "video/mp4")));

        assertEquals(List.of("HeadObject", "CreateMultipartUpload", "UploadPartCopy", "UploadPartCopy (failed)",
                "AbortMultipartUpload"), requests, "no third part is started once the second failed");
        assertEquals(Optional.empty(), wholeStore().head(target));
        assertEquals(List.of(), multipart().listUploads(target, 10), "no upload is left open");
    }

    @Test
    void aMissingSourceIsObjectMissingAndOpensNothing() {
        String target = key("assets/of-nothing");

        assertThrows(ObjectMissing.class, () -> partStore(2).copy(
                new CopySpec(key("staging/never-written"), "0123", SIZE, target, "video/mp4")));

        assertEquals(List.of("HeadObject (failed)"), requests);
        assertEquals(Optional.empty(), wholeStore().head(target));
    }

    @Test
    void theSizeInTheSpecChoosesHowToCopyButNeverHowMuch() {
        String small = key("staging/small");
        byte[] kib = bytes(1024, 9);
        wholeStore().put(small, kib, "image/png");
        // Said to be large, it is small: the pinned HEAD finds out and one CopyObject copies it.
        partStore(2).copy(new CopySpec(small, wholeStore().head(small).orElseThrow().etag(), SIZE,
                key("assets/small"), "image/png"));
        assertEquals(List.of("HeadObject", "CopyObject"), requests);
        assertArrayEquals(kib, readAll(wholeStore().open(key("assets/small"))));

        requests.clear();
        String large = key("staging/large");
        byte[] bytes = bytes(SIZE, 10);
        wholeStore().put(large, bytes, "video/mp4");
        // Said to be a little above the threshold, it is larger: the parts cover what the HEAD reports.
        partStore(2).copy(new CopySpec(large, wholeStore().head(large).orElseThrow().etag(), 5 * MIB + 1,
                key("assets/large"), "video/mp4"));
        assertEquals(3, requests.stream().filter("UploadPartCopy"::equals).count(), requests.toString());
        assertArrayEquals(bytes, readAll(wholeStore().open(key("assets/large"))));
    }

    // --- helpers

    private String key(String name) {
        return prefix + name;
    }

    private void putAsAnUploaderWouldWithTheirOwnHeaders(String key, byte[] bytes, String contentType) {
        PresignedRequest put = wholeStore().presignPut(new PutSpec(key, contentType, bytes.length, Optional.empty(), TTL));
        // A presigned PUT accepts unsigned headers: an uploader could ask for these on every download.
        Map<String, String> headers = new HashMap<>(put.headers());
        headers.put("Content-Disposition", "attachment; filename=evil.html");
        headers.put("Cache-Control", "public, max-age=31536000");
        headers.put("x-amz-meta-origin", "uploader");
        HttpResponse<byte[]> response = PresignedHttp.send(put.url(), put.method(), headers, bytes);
        assertEquals(200, response.statusCode(), new String(response.body()));
        assertEquals(Optional.of("attachment; filename=evil.html"),
                get(key).headers().firstValue("Content-Disposition"),
                "the server kept the uploader's header, so this test can see a copy drop it");
    }

    private static HttpResponse<byte[]> get(String key) {
        PresignedRequest get = wholeStore().presignGet(key, TTL);
        HttpResponse<byte[]> response = PresignedHttp.send(get.url(), get.method(), get.headers(), null);
        assertEquals(200, response.statusCode(), "GET " + key);
        return response;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + seed * 17 + (i >> 8) + (i >> 20));
        }
        return bytes;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
