package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.PartPlan;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Multipart and resumable sessions and cancel, through the uploads function, on real PostgreSQL and S3. */
class MultipartUploadsTest {
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static ObjectStore store;
    static MultipartStore multipart;
    /** A real JPEG padded past two preferred parts: the sniffed type stays image/jpeg, the upload has 3 parts. */
    static final byte[] FILE = padded(TestMedia.bytes("landscape.jpg"), (int) (2 * PartPlan.PREFERRED_PART_SIZE + 12_345));

    final String alice = "alice-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(TestStack.get().micronautProperties()));
        api = new ApiGatewayClient(function);
        store = function.getApplicationContext().getBean(ObjectStore.class);
        multipart = function.getApplicationContext().getBean(MultipartStore.class);
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static byte[] padded(byte[] head, int size) {
        return Arrays.copyOf(head, size);
    }

    ApiGatewayClient.Reply initiate(String strategy) {
        var reply = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"image","filename":"big photo.jpg","contentType":"image/jpeg","byteSize":%d,"strategy":"%s"}"""
                .formatted(FILE.length, strategy));
        assertEquals(201, reply.status(), reply.body());
        return reply;
    }

    /** A session whose whole-object SHA-256 the server must hash: it is staged, not landed at its original. */
    ApiGatewayClient.Reply initiateWithChecksum(String strategy) {
        var reply = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"image","filename":"big photo.jpg","contentType":"image/jpeg","byteSize":%d,"strategy":"%s",
                 "checksumSha256":"%s"}""".formatted(FILE.length, strategy, Checksums.sha256Base64(FILE)));
        assertEquals(201, reply.status(), reply.body());
        return reply;
    }

    /** Signs and PUTs part {@code n}; returns the ETag storage answered with. */
    @SuppressWarnings("unchecked")
    String putPart(String sessionId, int n) throws Exception {
        var signed = api.call(alice, "POST", "/v1/uploads/" + sessionId + "/parts/" + n + "/url", "");
        assertEquals(200, signed.status(), signed.body());
        long size = ((Number) signed.map().get("partSize")).longValue();
        long offset = (n - 1) * PartPlan.PREFERRED_PART_SIZE;
        var response = PresignedHttp.send(URI.create(signed.string("url")), "PUT",
                (Map<String, String>) signed.map().get("headers"), FILE, (int) offset, (int) size);
        assertEquals(200, response.statusCode());
        return response.headers().firstValue("ETag").orElseThrow();
    }

    static String partsJson(List<String> etags, int... numbers) {
        List<String> items = new ArrayList<>();
        for (int n : numbers) {
            items.add("{\"partNumber\":%d,\"etag\":%s}".formatted(n, quoteJson(etags.get(n - 1))));
        }
        return "{\"parts\":[" + String.join(",", items) + "]}";
    }

    static String quoteJson(String etag) {
        return "\"" + etag.replace("\"", "\\\"") + "\"";
    }

    @Test
    @SuppressWarnings("unchecked")
    void aThreePartUploadWithPresignedPartUrlsCompletesAndIsPromoted() throws Exception {
        var created = initiate("multipart");
        assertEquals(PartPlan.PREFERRED_PART_SIZE, ((Number) created.map().get("partSize")).longValue());
        assertEquals(3, created.map().get("partCount"));
        String id = created.string("id");
        // uploadId is the session id by design; what must never reach the client is storage's own upload id.
        String storageUploadId = function.getApplicationContext().getBean(UploadSessions.class)
                .findById(UUID.fromString(id)).orElseThrow().multipartUploadId().orElseThrow();
        assertFalse(created.body().contains(storageUploadId), "storage's multipart upload id leaked: " + created.body());
        List<String> etags = List.of(putPart(id, 1), putPart(id, 2), putPart(id, 3));

        var completed = api.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));
        assertEquals(200, completed.status(), completed.body());
        assertEquals("processing", completed.string("state"));
        assertEquals(1200, ((Map<String, Object>) completed.map().get("metadata")).get("width"));
        var stored = store.head("assets/" + completed.string("id") + "/original").orElseThrow();
        assertEquals(FILE.length, stored.size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aResumableUploadInterruptedAfterPartOneReportsWhatStorageHoldsAndFinishes() throws Exception {
        String id = initiate("resumable").string("id");
        String first = putPart(id, 1);

        // The client lost its connection; it asks what storage holds.
        var status = api.call(alice, "GET", "/v1/uploads/" + id, "");
        assertEquals(200, status.status());
        assertEquals(PartPlan.PREFERRED_PART_SIZE, ((Number) status.map().get("committedBytes")).longValue());
        var parts = (List<Map<String, Object>>) status.map().get("parts");
        assertEquals(1, parts.size());
        assertEquals(1, parts.getFirst().get("partNumber"));
        assertEquals(first.replace("\"", ""), ((String) parts.getFirst().get("etag")).replace("\"", ""));
        assertEquals("in_progress", status.string("progress"));
        assertEquals("resuming", status.string("state"));

        List<String> etags = List.of(first, putPart(id, 2), putPart(id, 3));
        assertEquals("uploading", api.call(alice, "GET", "/v1/uploads/" + id, "").string("state"));
        var completed = api.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));
        assertEquals("processing", completed.string("state"), completed.body());
        var done = api.call(alice, "GET", "/v1/uploads/" + id, "");
        assertEquals("complete", done.string("progress"));
    }

    @Test
    void aBadPartListIsRefusedAndTheSessionStaysUsable() throws Exception {
        String id = initiate("multipart").string("id");
        List<String> etags = List.of(putPart(id, 1), putPart(id, 2), putPart(id, 3));
        String path = "/v1/uploads/" + id + "/complete";

        var wrongEtag = api.call(alice, "POST", path, partsJson(List.of(etags.get(0), "\"0000\"", etags.get(2)), 1, 2, 3));
        assertEquals(409, wrongEtag.status(), wrongEtag.body());
        assertEquals("part_mismatch", wrongEtag.string("code"));

        var missing = api.call(alice, "POST", path, partsJson(etags, 1, 3));
        assertEquals(422, missing.status());
        assertEquals("parts_incomplete", missing.string("code"));

        var duplicate = api.call(alice, "POST", path, partsJson(etags, 1, 2, 2, 3));
        assertEquals(422, duplicate.status());
        assertEquals("duplicate_part", duplicate.string("code"));

        var outOfRange = api.call(alice, "POST", path, partsJson(List.of("a", "b", "c", "d"), 1, 2, 3, 4));
        assertEquals(422, outOfRange.status());
        assertEquals("invalid_part_number", outOfRange.string("code"));

        var malformed = api.call(alice, "POST", path, "{\"parts\": [{\"partNumber\": \"one\"");
        assertEquals(400, malformed.status(), malformed.body());
        assertEquals("malformed_request", malformed.string("code"));

        var nullPart = api.call(alice, "POST", path, "{\"parts\": [null]}");
        assertEquals(400, nullPart.status(), nullPart.body());
        assertEquals("malformed_request", nullPart.string("code"));

        var fractional = api.call(alice, "POST", path, "{\"parts\": [{\"partNumber\": 1.5, \"etag\": \"x\"}]}");
        assertEquals(400, fractional.status(), fractional.body());
        assertTrue(fractional.string("detail").contains("whole number"), fractional.body());

        assertEquals("uploading", api.call(alice, "GET", "/v1/uploads/" + id, "").string("state"));
        var completed = api.call(alice, "POST", path, partsJson(etags, 1, 2, 3));
        assertEquals("processing", completed.string("state"), completed.body());
    }

    @Test
    @SuppressWarnings("unchecked")
    void partsSignedInOneCallComeInTheOrderNamedAndCompleteTheUpload() throws Exception {
        String id = initiate("multipart").string("id");
        var signed = api.call(alice, "POST", "/v1/uploads/" + id + "/parts/urls", "{\"partNumbers\":[3,1,2]}");
        assertEquals(200, signed.status(), signed.body());
        var parts = (List<Map<String, Object>>) signed.map().get("parts");
        assertEquals(List.of(3, 1, 2), parts.stream().map(p -> p.get("partNumber")).toList());
        List<String> etags = new ArrayList<>(List.of("", "", ""));
        for (Map<String, Object> part : parts) {
            int n = (Integer) part.get("partNumber");
            long size = ((Number) part.get("partSize")).longValue();
            assertEquals(Math.min(PartPlan.PREFERRED_PART_SIZE, FILE.length - (n - 1) * PartPlan.PREFERRED_PART_SIZE),
                    size);
            var put = PresignedHttp.send(URI.create((String) part.get("url")), (String) part.get("method"),
                    (Map<String, String>) part.get("headers"), FILE, (int) ((n - 1) * PartPlan.PREFERRED_PART_SIZE),
                    (int) size);
            assertEquals(200, put.statusCode());
            etags.set(n - 1, put.headers().firstValue("ETag").orElseThrow());
        }
        assertEquals("signed", api.call(alice, "GET", "/v1/uploads/" + id, "").string("state"), "signed once");
        var completed = api.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));
        assertEquals(200, completed.status(), completed.body());
        assertEquals("processing", completed.string("state"));
    }

    @Test
    void aBadListOfPartsToSignIsRefusedWhole() {
        String id = initiate("multipart").string("id");
        String path = "/v1/uploads/" + id + "/parts/urls";
        String thousandAndOne = java.util.stream.IntStream.rangeClosed(1, 1001).mapToObj(n -> "1")
                .collect(java.util.stream.Collectors.joining(",", "{\"partNumbers\":[", "]}"));
        for (var refused : List.of(
                Map.entry("{\"partNumbers\":[]}", "invalid_part_number"),
                Map.entry("{}", "invalid_part_number"),
                Map.entry("{\"partNumbers\":[1,4]}", "invalid_part_number"),
                Map.entry("{\"partNumbers\":[0]}", "invalid_part_number"),
                Map.entry("{\"partNumbers\":[null]}", "invalid_part_number"),
                Map.entry("{\"partNumbers\":[2,1,2]}", "duplicate_part"),
                Map.entry(thousandAndOne, "invalid_part_number"))) {
            var reply = api.call(alice, "POST", path, refused.getKey());
            assertEquals(422, reply.status(), refused.getKey() + " -> " + reply.body());
            assertEquals(refused.getValue(), reply.string("code"), reply.body());
        }
        var fractional = api.call(alice, "POST", path, "{\"partNumbers\":[1.5]}");
        assertEquals(400, fractional.status(), fractional.body());
        assertEquals("initialized", api.call(alice, "GET", "/v1/uploads/" + id, "").string("state"),
                "nothing was signed");
        var direct = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"image","filename":"a.jpg","contentType":"image/jpeg","byteSize":10}""");
        var wrongKind = api.call(alice, "POST", "/v1/uploads/" + direct.string("id") + "/parts/urls",
                "{\"partNumbers\":[1]}");
        assertEquals(409, wrongKind.status(), wrongKind.body());
        assertEquals(404, api.call("mallory", "POST", path, "{\"partNumbers\":[1]}").status());
    }

    @Test
    void aListedPartStorageDoesNotHoldIsRefusedAfterStorageRefusesTheListAndTheSessionStaysUsable() throws Exception {
        // The list matches the plan, so only storage can tell: it refuses to assemble, and a ListParts says why.
        String id = initiate("multipart").string("id");
        List<String> etags = new ArrayList<>(List.of(putPart(id, 1), putPart(id, 2), "\"d41d8cd98f00b204e9800998ecf8427e\""));
        String path = "/v1/uploads/" + id + "/complete";

        var refused = api.call(alice, "POST", path, partsJson(etags, 1, 2, 3));

        assertEquals(422, refused.status(), refused.body());
        assertEquals("parts_incomplete", refused.string("code"));
        assertTrue(refused.string("detail").contains("storage holds no part 3"), refused.body());
        assertEquals("uploading", api.call(alice, "GET", "/v1/uploads/" + id, "").string("state"));
        etags.set(2, putPart(id, 3));
        var completed = api.call(alice, "POST", path, partsJson(etags, 1, 2, 3));
        assertEquals(200, completed.status(), completed.body());
        assertEquals("processing", completed.string("state"));
    }

    /** An API function that verifies inline only up to 1 MB, and does not wait for another lane. */
    static APIGatewayV2HTTPEventFunction inlineUpTo1Mb() {
        var properties = new java.util.HashMap<>(TestStack.get().micronautProperties());
        properties.put("stowage.lifecycle.complete-inline-max-bytes", "1MB");
        properties.put("stowage.lifecycle.complete-wait", "0s");
        return new APIGatewayV2HTTPEventFunction(ApplicationContext.run(properties));
    }

    @Test
    void aMultipartUploadLandsAtItsOriginalAndIsVerifiedByCompleteWhateverItsSizeWithNothingCopied() throws Exception {
        // Above complete-inline-max-bytes, and still verified by complete: with no checksum to hash and nothing to
        // copy, the work does not grow with the size, and no S3 event comes for assets/.
        try (var small = inlineUpTo1Mb()) {
            var client = new ApiGatewayClient(small);
            var created = initiate("multipart");
            String id = created.string("id");
            String original = "assets/" + created.string("assetId") + "/original";
            assertEquals(original, function.getApplicationContext().getBean(UploadSessions.class)
                    .findById(UUID.fromString(id)).orElseThrow().uploadKey());
            List<String> etags = List.of(putPart(id, 1), putPart(id, 2), putPart(id, 3));
            assertTrue(store.head(original).isEmpty(), "nothing is at the original before complete assembles it");

            var completed = client.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));

            assertEquals(200, completed.status(), completed.body());
            assertEquals("processing", completed.string("state"));
            var stored = store.head(original).orElseThrow();
            assertEquals(FILE.length, stored.size());
            assertTrue(store.list("staging/" + id, Optional.empty(), 10).isEmpty(), "nothing was staged");
            assertTrue(multipart.listUploads("assets/" + created.string("assetId"), 10).isEmpty(),
                    "no copy in parts was opened");
            // A retried complete (its answer lost) changes nothing, and the original stays.
            var again = client.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));
            assertEquals(200, again.status(), again.body());
            assertEquals(stored.etag(), store.head(original).orElseThrow().etag());
        }
    }

    @Test
    void anUploadWithAChecksumTooLargeToHashWithinTheApiFunctionIsAnswered202AndVerifiedByItsEvent() throws Exception {
        // complete verifies inline only up to complete-inline-max-bytes; above, hashing the declared checksum and
        // copying could outlast the API function, so the S3 event's lane (300 s) verifies.
        try (var small = inlineUpTo1Mb()) {
            var client = new ApiGatewayClient(small);
            String id = initiateWithChecksum("multipart").string("id");
            List<String> etags = List.of(putPart(id, 1), putPart(id, 2), putPart(id, 3));

            var accepted = client.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));

            assertEquals(202, accepted.status(), accepted.body());
            assertEquals("2", accepted.headers().get("Retry-After"));
            assertEquals("staged", accepted.string("state"));
            assertEquals("uploaded", client.call(alice, "GET", "/v1/uploads/" + id, "").string("state"));
            String key = "staging/" + id + "/big photo.jpg";
            assertEquals(FILE.length, store.head(key).orElseThrow().size(), "complete assembled the parts");

            var events = small.getApplicationContext().getBean(dev.stowage.domain.upload.VerifyUpload.class);
            assertEquals(dev.stowage.domain.upload.VerifyUpload.EventOutcome.VERIFIED, events.objectCreated(key));
            var done = client.call(alice, "POST", "/v1/uploads/" + id + "/complete", partsJson(etags, 1, 2, 3));
            assertEquals(200, done.status(), done.body());
            assertEquals("processing", done.string("state"));
        }
    }

    @Test
    void partNumbersOutsideThePlanAndWrongUrlKindsAreRefused() {
        String id = initiate("multipart").string("id");
        for (int n : new int[] {0, 4, -1}) {
            var reply = api.call(alice, "POST", "/v1/uploads/" + id + "/parts/" + n + "/url", "");
            assertEquals(422, reply.status(), "part " + n);
            assertEquals("invalid_part_number", reply.string("code"));
        }
        assertEquals(409, api.call(alice, "POST", "/v1/uploads/" + id + "/url", "").status());
        var direct = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"image","filename":"a.jpg","contentType":"image/jpeg","byteSize":10}""");
        var reply = api.call(alice, "POST", "/v1/uploads/" + direct.string("id") + "/parts/1/url", "");
        assertEquals(409, reply.status());
        assertEquals("invalid_state", reply.string("code"));
    }

    @Test
    void cancellingMidUploadAbortsTheMultipartUploadAndRemovesTheStagedAsset() throws Exception {
        var created = initiate("multipart");
        String id = created.string("id");
        putPart(id, 1);
        String key = "assets/" + created.string("assetId") + "/original";
        assertEquals(1, multipart.listUploads(key, 10).size());

        var cancelled = api.call(alice, "DELETE", "/v1/uploads/" + id, "");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("aborted", cancelled.string("state"));
        assertTrue(multipart.listUploads(key, 10).isEmpty(), "the multipart upload was aborted");
        assertEquals(null, cancelled.map().get("assetId"), "the staged asset is gone");

        var again = api.call(alice, "DELETE", "/v1/uploads/" + id, "");
        assertEquals(200, again.status());
        assertEquals("aborted", again.string("state"));
        assertEquals(404, api.call("mallory", "DELETE", "/v1/uploads/" + id, "").status());
    }

    @Test
    void cancellingACompletedUploadIsAConflict() throws Exception {
        byte[] png = TestMedia.bytes("alpha.png");
        var created = api.call(alice, "POST", "/v1/uploads", """
                {"profile":"image","filename":"a.png","contentType":"image/png","byteSize":%d}""".formatted(png.length));
        String id = created.string("id");
        api.call(alice, "POST", "/v1/uploads/" + id + "/url", "");
        store.put("staging/" + id + "/a.png", png, "image/png"); // where the signed PUT would have put it
        assertEquals("processing", api.call(alice, "POST", "/v1/uploads/" + id + "/complete", "").string("state"));
        var reply = api.call(alice, "DELETE", "/v1/uploads/" + id, "");
        assertEquals(409, reply.status());
        assertEquals("upload_completed", reply.string("code"));
    }
}
