package dev.stowage.testkit;

import static dev.stowage.testkit.ContractSupport.assertExpiresAbout;
import static dev.stowage.testkit.ContractSupport.assertSuccess;
import static dev.stowage.testkit.ContractSupport.bytes;
import static dev.stowage.testkit.ContractSupport.header;
import static dev.stowage.testkit.ContractSupport.sha256;
import static dev.stowage.testkit.ContractSupport.text;
import static dev.stowage.testkit.ContractSupport.waitUntilServerRefuses;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.MultipartStore.Part;
import dev.stowage.domain.port.MultipartStore.PartsRejected;
import dev.stowage.domain.port.MultipartStore.PendingUpload;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.ObjectInfo;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MultipartStore} must do against a real server: extend it, return the store from
 * {@link #multipartStore()} and an {@link ObjectStore} over the same bucket from {@link #objectStore()} (to see
 * the assembled object). Part URLs are sent with {@link HttpClient}, which, like a browser, sets Content-Length
 * from the body.
 */
public abstract class MultipartStoreContract {

    /** The smallest part S3 accepts other than the last. */
    protected static final int MIN_PART = 5 * 1024 * 1024;
    private static final Duration TTL = Duration.ofMinutes(5);

    // JUnit makes an instance per test, so every test writes under a prefix nobody else uses.
    private final String prefix = "multipart-contract/" + UUID.randomUUID() + "/";

    /** The store under test, pointing at a real server and a bucket that exists. */
    protected abstract MultipartStore multipartStore();

    /** An object store over the same bucket, to read what was assembled. */
    protected abstract ObjectStore objectStore();

    /** A key under this test's own prefix. */
    protected String key(String name) {
        return prefix + name;
    }

    // --- the whole path

    @Test
    void threePartUploadThroughPresignedPartUrlsAssemblesExactlyTheUploadedBytes() {
        String key = key("video.mp4");
        byte[][] bodies = {bytes(MIN_PART, 1), bytes(MIN_PART, 2),
                bytes(1024, 3)};
        String uploadId = multipartStore().create(key, "video/mp4");
        assertNotNull(uploadId, "upload id");
        assertFalse(uploadId.isBlank(), "upload id is blank");

        List<Part> parts = List.of(
                uploadPart(key, uploadId, 1, bodies[0]),
                uploadPart(key, uploadId, 2, bodies[1]),
                uploadPart(key, uploadId, 3, bodies[2]));
        String etag = multipartStore().complete(key, uploadId, parts)
                .orElseThrow(() -> new AssertionError("complete reported an unknown upload"));

        byte[] expected = concat(bodies);
        ObjectInfo info = objectStore().head(key).orElseThrow(() -> new AssertionError("no object after complete"));
        assertEquals(expected.length, info.size());
        assertEquals("video/mp4", info.contentType(), "the content type given to create");
        assertEquals(etag, info.etag(), "complete and head must report the same ETag");
        assertFalse(etag.startsWith("\""), "ETags are reported without quotes: " + etag);
        assertEquals(sha256(expected), sha256(readAll(objectStore().open(key))),
                "SHA-256 of the assembled object");
        assertEquals(List.of(), multipartStore().listParts(key, uploadId), "a completed upload has no parts left");
    }

    @Test
    void partsSentByTheServerItselfAssembleExactlyTheSentBytes() {
        String key = key("export.csv");
        byte[][] bodies = {bytes(MIN_PART, 4), bytes(777, 5)};
        String uploadId = multipartStore().create(key, "text/csv");
        Part first = multipartStore().uploadPart(key, uploadId, 1, new java.io.ByteArrayInputStream(bodies[0]),
                bodies[0].length);
        Part last = multipartStore().uploadPart(key, uploadId, 2, new java.io.ByteArrayInputStream(bodies[1]),
                bodies[1].length);
        assertEquals(1, first.partNumber());
        assertEquals(bodies[1].length, last.size());
        assertFalse(first.etag().startsWith("\""), "ETags are reported without quotes: " + first.etag());
        assertEquals(List.of(first.etag(), last.etag()),
                multipartStore().listParts(key, uploadId).stream().map(Part::etag).toList(),
                "the parts storage lists are the ones uploadPart reported");
        multipartStore().complete(key, uploadId, List.of(first, last))
                .orElseThrow(() -> new AssertionError("complete reported an unknown upload"));
        assertEquals(sha256(concat(bodies)), sha256(readAll(objectStore().open(key))));
        assertEquals("text/csv", objectStore().head(key).orElseThrow().contentType());
    }

    // --- presigned part URLs

    @Test
    void presignedPartIsAPutBoundToItsLengthThatExpiresAfterTheTtl() {
        String key = key("headers");
        String uploadId = multipartStore().create(key, "image/jpeg");
        Instant before = Instant.now();

        PresignedRequest put = multipartStore().presignPart(key, uploadId, 1, 1234, Duration.ofMinutes(7));

        assertEquals("PUT", put.method());
        assertExpiresAbout(put, before, Duration.ofMinutes(7));
        assertEquals(put.expiresAt().truncatedTo(ChronoUnit.SECONDS), put.expiresAt(), "expiry in whole seconds");
        assertEquals("1234", header(put, "content-length"), "Content-Length to send");
        assertEquals(null, header(put, "host"), "Host comes from the URL, not from the headers");
        String query = put.url().getRawQuery();
        assertTrue(query.contains("uploadId=") && query.contains("partNumber=1"), "a URL for one part: " + put.url());
    }

    @Test
    void partPutWithABodyOfAnotherLengthIsRefusedAndNotListed() {
        String key = key("sized");
        String uploadId = multipartStore().create(key, "image/png");
        PresignedRequest put = multipartStore().presignPart(key, uploadId, 1, 100, TTL);

        // Near lengths only: a far longer body can be cut off by the server's early 403, which HttpClient then
        // reports as a broken connection instead of the answer.
        for (int length : List.of(101, 99)) {
            HttpResponse<byte[]> response = send(put, bytes(length, 4));
            assertEquals(403, response.statusCode(),
                    "a part of " + length + " bytes where 100 were promised: " + text(response));
            assertEquals(List.of(), multipartStore().listParts(key, uploadId), "listed a part of " + length + " bytes");
        }
        // The same URL with the promised length still works: the refusals changed nothing.
        byte[] body = bytes(100, 5);
        String etag = etagOf(send(put, body));
        assertEquals(List.of(new Part(1, etag, 100)), multipartStore().listParts(key, uploadId));
    }

    @Test
    void expiredPresignedPartUrlIsRefusedAndNotListed() {
        String key = key("expired-part");
        String uploadId = multipartStore().create(key, "text/plain");
        byte[] body = bytes(10, 6);
        Instant before = Instant.now();
        PresignedRequest put = multipartStore().presignPart(key, uploadId, 1, body.length, Duration.ofSeconds(1));
        PresignedRequest probe = objectStore().presignGet(key("expiry-probe"), Duration.ofSeconds(1));
        assertExpiresAbout(put, before, Duration.ofSeconds(1));

        waitUntilServerRefuses(probe);

        HttpResponse<byte[]> response = send(put, body);
        assertEquals(403, response.statusCode(), "a part PUT after the URL expired: " + text(response));
        assertEquals(List.of(), multipartStore().listParts(key, uploadId));
    }

    // --- listing parts

    @Test
    void listPartsReportsExactlyThePartsUploadedSoFarWithTheirSizesAndEtags() {
        String key = key("listed");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        assertEquals(List.of(), multipartStore().listParts(key, uploadId), "a new upload has no parts");

        Part first = uploadPart(key, uploadId, 1, bytes(1000, 7));
        assertEquals(List.of(first), multipartStore().listParts(key, uploadId));

        Part second = uploadPart(key, uploadId, 2, bytes(2000, 8));
        assertEquals(List.of(first, second), multipartStore().listParts(key, uploadId));
    }

    @Test
    void listPartsReportsPartsInNumberOrderWhateverTheUploadOrder() {
        String key = key("reordered");
        String uploadId = multipartStore().create(key, "application/octet-stream");

        Part third = uploadPart(key, uploadId, 3, bytes(30, 9));
        Part first = uploadPart(key, uploadId, 1, bytes(10, 10));

        assertEquals(List.of(first, third), multipartStore().listParts(key, uploadId));
    }

    @Test
    void reuploadingAPartReplacesIt() {
        String key = key("replaced-part");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        uploadPart(key, uploadId, 1, bytes(50, 11));

        Part again = uploadPart(key, uploadId, 1, bytes(60, 12));

        assertEquals(List.of(again), multipartStore().listParts(key, uploadId));
    }

    // --- completing

    @Test
    void completingWithAWrongEtagIsRejectedAndTheUploadStaysUsable() {
        String key = key("wrong-etag");
        byte[][] bodies = {bytes(MIN_PART, 13), bytes(1024, 14)};
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part first = uploadPart(key, uploadId, 1, bodies[0]);
        Part second = uploadPart(key, uploadId, 2, bodies[1]);
        Part forged = new Part(2, "0123456789abcdef0123456789abcdef", 0);

        assertThrows(PartsRejected.class, () -> multipartStore().complete(key, uploadId, List.of(first, forged)));
        assertEquals(Optional.empty(), objectStore().head(key), "a rejected complete must not create the object");
        assertEquals(List.of(first, second), multipartStore().listParts(key, uploadId), "parts after the rejection");

        assertTrue(multipartStore().complete(key, uploadId, List.of(first, second)).isPresent(),
                "complete with the right ETags after a rejected one");
        assertArrayEquals(concat(bodies), readAll(objectStore().open(key)));
    }

    @Test
    void completingWithPartsNotInStrictlyAscendingOrderOrWithNoneIsRejected() {
        // S3 refuses these lists; a server that would sort or de-duplicate them must not make that the rule.
        String key = key("out-of-order");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part first = uploadPart(key, uploadId, 1, bytes(MIN_PART, 15));
        Part second = uploadPart(key, uploadId, 2, bytes(1024, 16));

        assertThrows(PartsRejected.class, () -> multipartStore().complete(key, uploadId, List.of(second, first)));
        assertThrows(PartsRejected.class, () -> multipartStore().complete(key, uploadId, List.of(first, first, second)));
        assertThrows(PartsRejected.class, () -> multipartStore().complete(key, uploadId, List.of()));
        assertEquals(Optional.empty(), objectStore().head(key));
        assertTrue(multipartStore().complete(key, uploadId, List.of(first, second)).isPresent(),
                "complete in order after the rejected lists");
    }

    @Test
    void completingWithAPartBelowTheMinimumBeforeTheLastIsRejected() {
        String key = key("too-small");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part first = uploadPart(key, uploadId, 1, bytes(1024, 17));
        Part second = uploadPart(key, uploadId, 2, bytes(1024, 18));

        assertThrows(PartsRejected.class, () -> multipartStore().complete(key, uploadId, List.of(first, second)));
        assertEquals(Optional.empty(), objectStore().head(key));
    }

    @Test
    void completingWithAMissingMiddlePartAssemblesThePartsGiven() {
        // S3 requires ascending part numbers but not consecutive ones; whether all parts are there is the
        // caller's business, so the store assembles exactly the list it is given.
        String key = key("gap");
        byte[][] bodies = {bytes(MIN_PART, 19), bytes(MIN_PART, 20),
                bytes(1024, 21)};
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part first = uploadPart(key, uploadId, 1, bodies[0]);
        uploadPart(key, uploadId, 2, bodies[1]);
        Part third = uploadPart(key, uploadId, 3, bodies[2]);

        assertTrue(multipartStore().complete(key, uploadId, List.of(first, third)).isPresent());

        byte[] expected = concat(bodies[0], bodies[2]);
        assertEquals(expected.length, objectStore().head(key).orElseThrow().size());
        assertArrayEquals(expected, readAll(objectStore().open(key)));
    }

    @Test
    void completingAnAlreadyCompletedUploadIsNotAnErrorAndChangesNothing() {
        String key = key("twice");
        byte[][] bodies = {bytes(MIN_PART, 22), bytes(2048, 23)};
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part first = uploadPart(key, uploadId, 1, bodies[0]);
        Part second = uploadPart(key, uploadId, 2, bodies[1]);
        String etag = multipartStore().complete(key, uploadId, List.of(first, second)).orElseThrow();

        // S3 answers a retry with the same parts of a complete that succeeded as it did the first time (s3proxy
        // does too, on purpose); a store that forgets the upload instead answers empty. Either way, no error.
        Optional<String> retried = multipartStore().complete(key, uploadId, List.of(first, second));
        assertTrue(retried.isEmpty() || retried.get().equals(etag), "a retried complete: " + retried);
        assertEquals(Optional.empty(), multipartStore().complete(key, uploadId, List.of(first)),
                "another part list for a completed upload");
        assertEquals(etag, objectStore().head(key).orElseThrow().etag());
        assertArrayEquals(concat(bodies), readAll(objectStore().open(key)), "the object as the first complete made it");
    }

    @Test
    void completedUploadIsNoLongerPending() {
        String key = key("done");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part part = uploadPart(key, uploadId, 1, bytes(10, 23));
        assertEquals(List.of(uploadId), uploadIds(multipartStore().listUploads(prefix, 10)));

        multipartStore().complete(key, uploadId, List.of(part));

        assertEquals(List.of(), multipartStore().listUploads(prefix, 10));
    }

    // --- aborting

    @Test
    void abortDiscardsTheUploadAndRepeatingItSucceeds() {
        String key = key("aborted");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        Part part = uploadPart(key, uploadId, 1, bytes(100, 24));
        assertEquals(List.of(uploadId), uploadIds(multipartStore().listUploads(prefix, 10)));

        multipartStore().abort(key, uploadId);

        assertEquals(List.of(), multipartStore().listUploads(prefix, 10), "an aborted upload is not pending");
        assertEquals(List.of(), multipartStore().listParts(key, uploadId), "an aborted upload has no parts");
        multipartStore().abort(key, uploadId);
        assertEquals(Optional.empty(), multipartStore().complete(key, uploadId, List.of(part)),
                "complete of an aborted upload");
        assertEquals(Optional.empty(), objectStore().head(key), "an aborted upload leaves no object");
    }

    @Test
    void aPartSentAfterTheAbortThroughAnEarlierUrlNeverMakesAnObject() {
        String key = key("late-part");
        String uploadId = multipartStore().create(key, "application/octet-stream");
        byte[] body = bytes(100, 25);
        PresignedRequest put = multipartStore().presignPart(key, uploadId, 1, body.length, TTL);
        multipartStore().abort(key, uploadId);

        // S3 refuses the part (404 NoSuchUpload). s3proxy stores it and lists it for that upload id, but the
        // upload itself stays gone: what must hold everywhere is that no object can come of it.
        HttpResponse<byte[]> response = send(put, body);
        List<Part> late = multipartStore().listParts(key, uploadId);
        // What a client would complete with: the parts storage lists, or else the part as the PUT reported it.
        List<Part> claimed = late.isEmpty()
                ? List.of(new Part(1, response.headers().firstValue("ETag").orElse(md5Hex(body)).replace("\"", ""),
                        body.length))
                : late;

        assertEquals(List.of(), multipartStore().listUploads(prefix, 10), "an aborted upload is not pending");
        assertEquals(Optional.empty(), multipartStore().complete(key, uploadId, claimed), "complete from late parts");
        assertEquals(Optional.empty(), objectStore().head(key));
        multipartStore().abort(key, uploadId);
    }

    @Test
    void anUploadStorageNeverHeardOfHasNoPartsCannotBeCompletedAndAbortsQuietly() {
        String key = key("unknown");
        // A real upload of another key supplies a well-formed id that means nothing for this one.
        String otherId = multipartStore().create(key("other"), "application/octet-stream");

        assertEquals(List.of(), multipartStore().listParts(key, otherId));
        assertEquals(Optional.empty(),
                multipartStore().complete(key, otherId, List.of(new Part(1, "0123456789abcdef0123456789abcdef", 0))));
        multipartStore().abort(key, otherId);
        assertEquals(Optional.empty(), objectStore().head(key));
    }

    // --- listing uploads

    @Test
    void listUploadsReportsOnlyUploadsUnderThePrefixOldestFirstWithinTheLimit() {
        // Created in the reverse of key order, so key order and age order disagree.
        String c = multipartStore().create(key("uploads/c"), "application/octet-stream");
        String b = createInitiatedAfter(key("uploads/c"), c, key("uploads/b"));
        String a = createInitiatedAfter(key("uploads/b"), b, key("uploads/a"));
        multipartStore().create(key("uploads-not/x"), "application/octet-stream");
        multipartStore().create(key("elsewhere/y"), "application/octet-stream");

        List<PendingUpload> all = multipartStore().listUploads(key("uploads/"), 10);
        assertEquals(List.of(c, b, a), uploadIds(all), "everything under the prefix, oldest first: " + all);
        assertEquals(List.of(key("uploads/c"), key("uploads/b"), key("uploads/a")),
                all.stream().map(PendingUpload::key).toList());
        assertTrue(all.get(0).initiated().isBefore(all.get(1).initiated())
                && all.get(1).initiated().isBefore(all.get(2).initiated()), "initiation times, oldest first: " + all);

        assertEquals(List.of(c, b), uploadIds(multipartStore().listUploads(key("uploads/"), 2)),
                "the two oldest, not the first two by key");
        assertEquals(List.of(c), uploadIds(multipartStore().listUploads(key("uploads/"), 1)));
        assertEquals(List.of(), multipartStore().listUploads(key("uploads/"), 0));
        assertEquals(List.of(), multipartStore().listUploads(key("nothing-here/"), 10));
        assertEquals(5, multipartStore().listUploads(prefix, 10).size(), "everything under the test's prefix");
    }

    @Test
    void listUploadsReportsEveryUploadOfTheSameKey() {
        String key = key("same");
        String first = multipartStore().create(key, "application/octet-stream");
        String second = multipartStore().create(key, "application/octet-stream");

        List<PendingUpload> uploads = multipartStore().listUploads(prefix, 10);
        assertEquals(Set.of(first, second), Set.copyOf(uploadIds(uploads)));
        assertEquals(2, uploads.size(), "each upload once: " + uploads);
        uploads.forEach(u -> assertEquals(key, u.key()));
    }

    // --- helpers for subclasses and the tests above

    /** Uploads one part through its presigned URL; the part as the client would report it (ETag as sent back). */
    protected Part uploadPart(String key, String uploadId, int partNumber, byte[] body) {
        PresignedRequest put = multipartStore().presignPart(key, uploadId, partNumber, body.length, TTL);
        return new Part(partNumber, etagOf(send(put, body)), body.length);
    }

    /** Sends a presigned request with the headers it names, as a browser would. */
    protected static HttpResponse<byte[]> send(PresignedRequest request, byte[] body) {
        return ContractSupport.send(request, body, request.headers());
    }

    /**
     * Stores may report initiation times no finer than a second, so the upload is made again (the early
     * attempts aborted) until storage reports it initiated strictly after the previous one: their ages then
     * differ on storage's own clock, whatever its precision and whatever this JVM's clock says.
     */
    private String createInitiatedAfter(String previousKey, String previousId, String key) {
        Instant previous = initiated(previousKey, previousId);
        var created = new java.util.concurrent.atomic.AtomicReference<String>();
        Eventually.await(Duration.ofSeconds(30), () -> {
            String candidate = multipartStore().create(key, "application/octet-stream");
            if (initiated(key, candidate).isAfter(previous)) {
                created.set(candidate);
                return true;
            }
            multipartStore().abort(key, candidate);
            return false;
        }, "storage to report an upload initiated after " + previous);
        return created.get();
    }

    private Instant initiated(String key, String uploadId) {
        return multipartStore().listUploads(key, 100).stream()
                .filter(u -> u.uploadId().equals(uploadId)).findFirst()
                .orElseThrow(() -> new AssertionError("upload " + uploadId + " is not listed")).initiated();
    }

    private static String etagOf(HttpResponse<byte[]> response) {
        assertSuccess(response);
        String etag = response.headers().firstValue("ETag")
                .orElseThrow(() -> new AssertionError("part PUT answered without an ETag"));
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1)
                : etag;
    }

    private static String md5Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> uploadIds(List<PendingUpload> uploads) {
        return uploads.stream().map(PendingUpload::uploadId).toList();
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
