package dev.stowage.testkit;

import static dev.stowage.testkit.ContractSupport.assertExpiresAbout;
import static dev.stowage.testkit.ContractSupport.assertRefused;
import static dev.stowage.testkit.ContractSupport.assertSuccess;
import static dev.stowage.testkit.ContractSupport.body;
import static dev.stowage.testkit.ContractSupport.header;
import static dev.stowage.testkit.ContractSupport.waitUntilServerRefuses;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.CopySpec;
import dev.stowage.domain.port.ObjectStore.ObjectChanged;
import dev.stowage.domain.port.ObjectStore.ObjectInfo;
import dev.stowage.domain.port.ObjectStore.ObjectMissing;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import dev.stowage.domain.port.ObjectStore.PutSpec;
import dev.stowage.domain.port.ObjectStore.Slice;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} must do against a real server: extend it, return the store from {@link #store()}.
 * Presigned requests are sent with {@link HttpClient}, which, like a browser, sets Content-Length from the body.
 */
public abstract class ObjectStoreContract {

    private static final Duration TTL = Duration.ofMinutes(5);

    // JUnit makes an instance per test, so every test writes under a prefix nobody else uses.
    private final String prefix = "contract/" + UUID.randomUUID() + "/";

    /** The store under test, pointing at a real server and a bucket that exists. */
    protected abstract ObjectStore store();

    /** Whether {@code head} reports the SHA-256 a presigned PUT declared (S3 does; a store may not). */
    protected abstract boolean keepsChecksums();

    /** A key under this test's own prefix. */
    protected String key(String name) {
        return prefix + name;
    }

    // --- put and head

    @Test
    void putThenHeadReportsSizeTypeAndEtag() {
        String key = key("photo.jpg");
        store().put(key, bytes(1000, 1), "image/jpeg");

        ObjectInfo info = store().head(key).orElseThrow(() -> new AssertionError("head found nothing after put"));
        assertEquals(key, info.key());
        assertEquals(1000, info.size());
        assertEquals("image/jpeg", info.contentType());
        assertNotNull(info.etag(), "etag");
        assertFalse(info.etag().isBlank(), "etag is blank");
    }

    @Test
    void aCacheControlGivenAtPutIsKeptAndSentWithTheObject() {
        String key = key("immutable.jpeg");
        byte[] bytes = bytes(500, 3);
        String cacheControl = "public, max-age=31536000, immutable";
        store().put(key, new ByteArrayInputStream(bytes), bytes.length, "image/jpeg", Optional.of(cacheControl));

        assertEquals(Optional.of(cacheControl), store().head(key).orElseThrow().cacheControl());
        var response = PresignedHttp.send(store().presignGet(key, java.time.Duration.ofMinutes(1)).url(), "GET",
                java.util.Map.of(), null);
        assertEquals(200, response.statusCode());
        assertEquals(Optional.of(cacheControl), response.headers().firstValue("Cache-Control"));
        assertEquals(Optional.empty(), store().head(key("photo-without")).flatMap(ObjectInfo::cacheControl));
    }

    @Test
    void listPagesThroughAPrefixInKeyOrderWithSizesAndLastModified() {
        Instant before = Instant.now().minusSeconds(60);
        store().put(key("list/b"), new byte[] {1, 2}, "application/octet-stream");
        store().put(key("list/a"), new byte[] {1}, "application/octet-stream");
        store().put(key("list/c"), new byte[] {1, 2, 3}, "application/octet-stream");
        store().put(key("other"), new byte[] {1}, "application/octet-stream");

        List<ObjectStore.Listed> first = store().list(key("list/"), Optional.empty(), 2);
        assertEquals(List.of(key("list/a"), key("list/b")), first.stream().map(ObjectStore.Listed::key).toList());
        assertEquals(List.of(1L, 2L), first.stream().map(ObjectStore.Listed::size).toList());
        assertTrue(first.stream().allMatch(o -> o.lastModified().isAfter(before)
                && o.lastModified().isBefore(Instant.now().plusSeconds(60))), first.toString());
        List<ObjectStore.Listed> rest = store().list(key("list/"), Optional.of(first.getLast().key()), 2);
        assertEquals(List.of(key("list/c")), rest.stream().map(ObjectStore.Listed::key).toList());
        assertTrue(store().list(key("list/"), Optional.of(key("list/c")), 2).isEmpty());
    }

    @Test
    void headOfAMissingKeyIsEmpty() {
        assertEquals(Optional.empty(), store().head(key("never-written")));
    }

    @Test
    void putOverAnExistingKeyReplacesBytesTypeAndEtag() {
        String key = key("replaced");
        store().put(key, bytes(300, 1), "image/png");
        ObjectInfo first = store().head(key).orElseThrow();

        byte[] second = bytes(200, 2);
        store().put(key, second, "image/webp");

        ObjectInfo info = store().head(key).orElseThrow();
        assertEquals(200, info.size());
        assertEquals("image/webp", info.contentType());
        assertNotEquals(first.etag(), info.etag(), "etag must change with the content");
        assertArrayEquals(second, readAll(store().open(key)));
    }

    @Test
    void putFromAStreamStoresExactlyTheGivenLength() {
        String key = key("streamed.bin");
        // Larger than the SDK's and HTTP clients' internal buffers, so real streaming is exercised.
        byte[] bytes = bytes(3 * 1024 * 1024 + 17, 3);
        store().put(key, new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream");

        assertEquals(bytes.length, store().head(key).orElseThrow().size());
        assertArrayEquals(bytes, readAll(store().open(key)));
    }

    @Test
    void putFromALongerStreamStoresOnlyTheGivenLength() {
        String key = key("truncated.bin");
        byte[] bytes = bytes(100, 24);
        store().put(key, new ByteArrayInputStream(bytes), 60, "application/octet-stream");

        assertArrayEquals(slice(bytes, 0, 60), readAll(store().open(key)));
    }

    @Test
    void putFromAStreamThatEndsEarlyFailsAndStoresNothing() {
        String key = key("short.bin");
        assertThrows(RuntimeException.class,
                () -> store().put(key, new ByteArrayInputStream(bytes(50, 25)), 60, "application/octet-stream"));
        assertEquals(Optional.empty(), store().head(key), "a truncated object must never appear");
    }

    // --- ranged reads and streams

    @Test
    void readReturnsExactlyTheAskedSlice() {
        String key = key("sliced");
        byte[] bytes = bytes(1000, 4);
        store().put(key, bytes, "application/octet-stream");

        assertArrayEquals(slice(bytes, 100, 50), store().read(key, 100, 50).bytes());
        assertArrayEquals(slice(bytes, 0, 1), store().read(key, 0, 1).bytes());
    }

    @Test
    void readNearTheEndReturnsOnlyTheBytesThatExist() {
        String key = key("short-tail");
        byte[] bytes = bytes(1000, 5);
        store().put(key, bytes, "application/octet-stream");

        assertArrayEquals(slice(bytes, 950, 50), store().read(key, 950, 100).bytes());
        assertArrayEquals(bytes, store().read(key, 0, 4096).bytes());
    }

    @Test
    void readFromTheEndOfAnObjectReturnsNoBytes() {
        String key = key("past-the-end");
        store().put(key, bytes(10, 6), "application/octet-stream");

        assertEquals(0, store().read(key, 10, 5).bytes().length);
        assertEquals(0, store().read(key, 3, 0).bytes().length);
    }

    @Test
    void readOfAMissingKeyThrowsObjectMissing() {
        assertThrows(ObjectMissing.class, () -> store().read(key("missing"), 0, 10).bytes());
    }

    @Test
    void openStreamsTheWholeObject() {
        String key = key("opened");
        byte[] bytes = bytes(200_000, 7);
        store().put(key, bytes, "video/mp4");

        assertArrayEquals(bytes, readAll(store().open(key)));
    }

    @Test
    void openOfAMissingKeyThrowsObjectMissing() {
        assertThrows(ObjectMissing.class, () -> store().open(key("missing")).close());
    }

    // --- copy and delete

    @Test
    void copyCreatesTheTargetWithTheSourcesBytesAndTheGivenTypeAndKeepsTheSource() {
        String source = key("staging/original");
        String target = key("assets/original");
        byte[] bytes = bytes(777, 8);
        store().put(source, bytes, "image/gif");
        String etag = store().head(source).orElseThrow().etag();

        store().copy(new CopySpec(source, etag, bytes.length, target, "image/png"));
        // Events arrive more than once: replaying the copy must be harmless.
        store().copy(new CopySpec(source, etag, bytes.length, target, "image/png"));

        ObjectInfo info = store().head(target).orElseThrow(() -> new AssertionError("no target after copy"));
        assertEquals(777, info.size());
        assertEquals("image/png", info.contentType());
        assertArrayEquals(bytes, readAll(store().open(target)));
        assertTrue(store().head(source).isPresent(), "copy must not remove the source");
    }

    @Test
    void aReadNamesTheVersionItReadAndACopyOfAnotherVersionIsRefused() {
        String source = key("staging/swapped");
        String target = key("assets/swapped");
        store().put(source, bytes(100, 12), "image/jpeg");
        Slice probed = store().read(source, 0, 10);
        assertEquals(store().head(source).orElseThrow().etag(), probed.etag());

        store().put(source, bytes(100, 13), "image/jpeg"); // same length, other bytes: a re-PUT

        assertThrows(ObjectChanged.class, () -> store().copy(new CopySpec(source, probed.etag(), 100, target, "image/jpeg")));
        assertEquals(Optional.empty(), store().head(target));
    }

    @Test
    void aCopyLeavesTheUploadersOwnHeadersBehind() {
        String source = key("staging/with-headers");
        String target = key("assets/with-headers");
        byte[] bytes = bytes(64, 14);
        PresignedRequest put = store().presignPut(new PutSpec(source, "image/jpeg", bytes.length, Optional.empty(), TTL));
        // A presigned PUT accepts unsigned headers: an uploader could ask for these on every download.
        Map<String, String> withExtras = new HashMap<>(put.headers());
        withExtras.put("Content-Disposition", "attachment; filename=evil.html");
        withExtras.put("Cache-Control", "public, max-age=31536000");
        assertSuccess(send(put, bytes, withExtras));
        assertEquals("attachment; filename=evil.html",
                send(store().presignGet(source, TTL), null).headers().firstValue("Content-Disposition").orElse(null),
                "the storage server kept the uploader's header, so this test can see it dropped");

        store().copy(new CopySpec(source, store().head(source).orElseThrow().etag(), bytes.length, target, "image/jpeg"));

        HttpResponse<byte[]> served = send(store().presignGet(target, TTL), null);
        assertArrayEquals(bytes, served.body());
        assertEquals(Optional.empty(), served.headers().firstValue("Content-Disposition"));
        assertEquals(Optional.empty(), served.headers().firstValue("Cache-Control").filter(v -> v.contains("31536000")));
    }

    @Test
    void copyFromAMissingSourceThrowsObjectMissingAndCreatesNothing() {
        String target = key("copy-target");
        assertThrows(ObjectMissing.class, () -> store().copy(new CopySpec(key("missing"), "\"0\"", 1, target, "image/png")));
        assertEquals(Optional.empty(), store().head(target));
    }

    @Test
    void deleteRemovesTheObjectAndRepeatingItSucceeds() {
        String key = key("deleted");
        store().put(key, bytes(10, 9), "text/plain");

        store().delete(key);
        assertEquals(Optional.empty(), store().head(key));
        store().delete(key);
        assertEquals(Optional.empty(), store().head(key));
        assertThrows(ObjectMissing.class, () -> store().read(key, 0, 1).bytes());
    }

    @Test
    void deleteOfAKeyThatNeverExistedSucceedsAndTouchesNothingElse() {
        String inside = key("never-written/inside");
        store().put(inside, bytes(3, 24), "text/plain");

        assertDoesNotThrow(() -> store().delete(key("never-written")));

        assertTrue(store().head(inside).isPresent(), "a key the deleted one is a prefix of");
    }

    @Test
    void deleteAllRemovesEveryKeyGivenCountsAMissingOneAsRemovedAndTouchesNothingElse() {
        List<String> stored = List.of(key("batch/a"), key("batch/b c+d é.jpg"), key("batch/e"));
        for (String k : stored) {
            store().put(k, bytes(10, 26), "text/plain");
        }
        String neighbour = key("batch/a-kept");
        store().put(neighbour, bytes(3, 27), "text/plain");
        List<String> asked = new java.util.ArrayList<>(stored);
        asked.add(key("batch/never-written"));
        asked.add(stored.getFirst()); // named twice: still one key

        ObjectStore.Deletion deletion = store().deleteAll(asked);

        assertEquals(java.util.Set.copyOf(asked), deletion.deleted());
        assertEquals(Map.of(), deletion.failed());
        for (String k : stored) {
            assertEquals(Optional.empty(), store().head(k), k);
        }
        assertTrue(store().head(neighbour).isPresent(), "a key a deleted one is a prefix of");
        assertEquals(ObjectStore.Deletion.NOTHING, store().deleteAll(List.of()));
    }

    @Test
    void deleteAllTakesMoreKeysThanOneStorageRequestMay() {
        // S3 takes at most 1,000 keys per DeleteObjects request and refuses a larger one: a store splits them.
        List<String> asked = new java.util.ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            asked.add(key(String.format("many/%04d", i)));
        }
        List<String> stored = List.of(asked.get(0), asked.get(999), asked.get(1_000), asked.get(2_499));
        for (String k : stored) {
            store().put(k, bytes(5, 28), "text/plain");
        }

        ObjectStore.Deletion deletion = store().deleteAll(asked);

        assertEquals(Map.of(), deletion.failed());
        assertEquals(java.util.Set.copyOf(asked), deletion.deleted());
        for (String k : stored) {
            assertEquals(Optional.empty(), store().head(k), k);
        }
    }

    @Test
    void existingNamesTheGivenKeysThatHoldAnObjectWhateverElseTheirRangeHolds() {
        List<String> stored = List.of(key("range/a/1.jpg"), key("range/c/é 3+.jpg"), key("range/e/5.jpg"));
        for (String k : stored) {
            store().put(k, bytes(4, 29), "image/jpeg");
        }
        // Objects between the asked keys that nobody asked about, and more than a listing page of them: put
        // eight at a time, since one by one they were most of this class's run.
        List<java.util.concurrent.Callable<Void>> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < 1_005; i++) {
            String filler = key(String.format("range/b/%04d", i));
            fillers.add(() -> {
                store().put(filler, new byte[] {1}, "text/plain");
                return null;
            });
        }
        try (var puts = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (var put : puts.invokeAll(fillers)) {
                assertDoesNotThrow(() -> put.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        store().put(key("range/a/1.jpg.bak"), new byte[] {1}, "text/plain");
        List<String> asked = List.of(key("range/e/5.jpg"), key("range/a/1.jpg"), key("range/b/missing"),
                key("range/c/é 3+.jpg"), key("range/d/missing"), key("range/z/missing"));

        assertEquals(java.util.Set.copyOf(stored), store().existing(asked));
        assertEquals(java.util.Set.of(key("range/c/é 3+.jpg")), store().existing(List.of(key("range/c/é 3+.jpg"))));
        assertEquals(java.util.Set.of(), store().existing(List.of(key("range/c/é 3"))));
        assertEquals(java.util.Set.of(), store().existing(List.of()));
    }

    @Test
    void keysWithSpacesPlusSignsAndNonAsciiCharactersRoundTrip() {
        // S3 events URL-encode keys with '+' for a space; a store that encodes keys wrongly mixes the two up.
        String key = key("odd name+plus%2B é 写.jpg");
        String copy = key("copied odd+name é.jpg");
        byte[] bytes = bytes(64, 10);
        store().put(key, bytes, "image/jpeg");
        store().copy(new CopySpec(key, store().head(key).orElseThrow().etag(), bytes.length, copy, "image/jpeg"));

        assertEquals(64, store().head(copy).orElseThrow().size());
        assertEquals(Optional.empty(), store().head(key("odd name plus%2B é 写.jpg")));
        assertArrayEquals(bytes, body(send(store().presignGet(key, TTL), null)));

        byte[] uploaded = bytes(32, 11);
        PresignedRequest put = store().presignPut(new PutSpec(copy, "image/png", uploaded.length, Optional.empty(), TTL));
        assertSuccess(send(put, uploaded));
        assertArrayEquals(uploaded, store().read(copy, 0, 100).bytes());
    }

    // --- presigned PUT

    @Test
    void presignedPutNamesEveryHeaderTheClientMustSend() {
        byte[] bytes = bytes(100, 12);
        String checksum = sha256(bytes);
        PresignedRequest put = store().presignPut(
                new PutSpec(key("headers"), "image/jpeg", 100, Optional.of(checksum), TTL));

        assertEquals("PUT", put.method());
        assertEquals("image/jpeg", header(put, "content-type"), "Content-Type to send");
        assertEquals(checksum, header(put, "x-amz-checksum-sha256"), "declared checksum to send");
        // Browsers set Content-Length themselves, but any other client must know the URL is bound to it.
        assertEquals("100", header(put, "content-length"), "Content-Length to send");
        assertEquals(null, header(put, "host"), "Host comes from the URL, not from the headers");
    }

    @Test
    void presignedPutWithThePromisedTypeAndLengthStoresTheObject() {
        String key = key("uploaded.jpg");
        byte[] bytes = bytes(2048, 13);
        PresignedRequest put = store().presignPut(new PutSpec(key, "image/jpeg", bytes.length, Optional.empty(), TTL));

        assertSuccess(send(put, bytes));

        ObjectInfo info = store().head(key).orElseThrow(() -> new AssertionError("nothing stored by presigned PUT"));
        assertEquals(bytes.length, info.size());
        assertEquals("image/jpeg", info.contentType());
        assertArrayEquals(bytes, store().read(key, 0, bytes.length).bytes());
    }

    @Test
    void presignedPutWithAnotherContentTypeIsRefusedAndStoresNothing() {
        String key = key("typed");
        byte[] bytes = bytes(100, 14);
        PresignedRequest put = store().presignPut(new PutSpec(key, "image/jpeg", bytes.length, Optional.empty(), TTL));

        Map<String, String> headers = withHeader(put.headers(), "Content-Type", "text/html");
        assertRefused(send(put, bytes, headers), "a Content-Type other than the signed one");
        assertEquals(Optional.empty(), store().head(key));
    }

    @Test
    void presignedPutWithABodyOfAnotherLengthIsRefusedAndStoresNothing() {
        String key = key("sized");
        PresignedRequest put = store().presignPut(new PutSpec(key, "image/png", 100, Optional.empty(), TTL));

        for (int length : List.of(101, 99, 100_000)) {
            assertRefused(send(put, bytes(length, 15)), "a body of " + length + " bytes where 100 were promised");
            assertEquals(Optional.empty(), store().head(key), "stored a body of " + length + " bytes");
        }
    }

    @Test
    void presignedPutWithTheDeclaredChecksumAndMatchingBytesStoresTheObject() {
        String key = key("checksummed");
        byte[] bytes = bytes(4096, 16);
        String checksum = sha256(bytes);
        PresignedRequest put = store().presignPut(
                new PutSpec(key, "application/pdf", bytes.length, Optional.of(checksum), TTL));

        assertSuccess(send(put, bytes));

        ObjectInfo info = store().head(key).orElseThrow(() -> new AssertionError("nothing stored"));
        assertEquals(bytes.length, info.size());
        // Stores need not keep the checksum (each one says whether it does), but one they keep is the one declared.
        assertEquals(keepsChecksums() ? Optional.of(checksum) : Optional.empty(), info.checksumSha256(),
                "checksum reported by head");
        assertArrayEquals(bytes, readAll(store().open(key)));
    }

    @Test
    void presignedPutThatOmitsOrChangesTheDeclaredChecksumIsRefused() {
        String key = key("checksum-header");
        byte[] promised = bytes(256, 17);
        byte[] other = bytes(256, 18);
        PresignedRequest put = store().presignPut(
                new PutSpec(key, "image/png", promised.length, Optional.of(sha256(promised)), TTL));

        Map<String, String> omitted = new HashMap<>(put.headers());
        omitted.keySet().removeIf(name -> name.equalsIgnoreCase("x-amz-checksum-sha256"));
        assertRefused(send(put, other, omitted), "a PUT without the declared checksum header");

        // What a client would do to smuggle other bytes: declare their checksum instead.
        Map<String, String> changed = withHeader(put.headers(), "x-amz-checksum-sha256", sha256(other));
        assertRefused(send(put, other, changed), "a PUT declaring another checksum than the signed one");
        assertEquals(Optional.empty(), store().head(key));
    }

    @Test
    void presignedPutWithBytesThatDoNotMatchTheDeclaredChecksumIsRefused() {
        String key = key("checksum-mismatch");
        byte[] promised = bytes(256, 19);
        byte[] other = bytes(256, 20);
        PresignedRequest put = store().presignPut(
                new PutSpec(key, "image/png", promised.length, Optional.of(sha256(promised)), TTL));

        // AWS S3 and s3proxy (4.1) both answer 400 BadDigest: the bytes themselves are checked, not only the header.
        assertRefused(send(put, other), "bytes that do not match the signed x-amz-checksum-sha256");
        assertEquals(Optional.empty(), store().head(key));
    }

    @Test
    void expiredPresignedPutIsRefusedAndStoresNothing() {
        String key = key("expired-put");
        byte[] bytes = bytes(10, 21);
        Instant before = Instant.now();
        PresignedRequest put = store().presignPut(
                new PutSpec(key, "text/plain", bytes.length, Optional.empty(), Duration.ofSeconds(1)));
        PresignedRequest probe = store().presignGet(key("expiry-probe"), Duration.ofSeconds(1));
        assertExpiresAbout(put, before, Duration.ofSeconds(1));

        waitUntilServerRefuses(probe);

        assertRefused(send(put, bytes), "a PUT after the URL expired");
        assertEquals(Optional.empty(), store().head(key));
    }

    // --- presigned GET

    @Test
    void presignedGetReturnsTheBytes() {
        String key = key("downloaded");
        byte[] bytes = bytes(5000, 22);
        store().put(key, bytes, "image/webp");
        Instant before = Instant.now();

        PresignedRequest get = store().presignGet(key, Duration.ofMinutes(10));

        assertEquals("GET", get.method());
        assertExpiresAbout(get, before, Duration.ofMinutes(10));
        HttpResponse<byte[]> response = send(get, null);
        assertSuccess(response);
        assertArrayEquals(bytes, response.body());
    }

    @Test
    void expiredPresignedGetIsRefused() {
        String key = key("expired-get");
        store().put(key, bytes(10, 23), "text/plain");
        PresignedRequest get = store().presignGet(key, Duration.ofSeconds(1));
        PresignedRequest probe = store().presignGet(key("expiry-probe"), Duration.ofSeconds(1));

        waitUntilServerRefuses(probe);

        assertRefused(send(get, null), "a GET after the URL expired");
    }

    // --- helpers for subclasses and the tests above

    /** Sends a presigned request with the headers it names, as a browser would. {@code body} null sends none. */
    protected static HttpResponse<byte[]> send(PresignedRequest request, byte[] body) {
        return send(request, body, request.headers());
    }

    /** Sends a presigned request with the given headers instead of the ones it names. */
    protected static HttpResponse<byte[]> send(PresignedRequest request, byte[] body, Map<String, String> headers) {
        return ContractSupport.send(request, body, headers);
    }

    /** {@code n} bytes that differ with {@code seed} and along the array, so slices and swaps are noticed. */
    protected static byte[] bytes(int n, int seed) {
        return ContractSupport.bytes(n, seed);
    }

    /** Base64 SHA-256, as S3 carries it in {@code x-amz-checksum-sha256}. */
    protected static String sha256(byte[] bytes) {
        return ContractSupport.sha256(bytes);
    }

    private static byte[] slice(byte[] bytes, int from, int length) {
        return java.util.Arrays.copyOfRange(bytes, from, from + length);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> withHeader(Map<String, String> headers, String name, String value) {
        var changed = new HashMap<String, String>();
        headers.forEach((n, v) -> {
            if (!n.equalsIgnoreCase(name)) {
                changed.put(n, v);
            }
        });
        changed.put(name, value);
        return changed;
    }
}
