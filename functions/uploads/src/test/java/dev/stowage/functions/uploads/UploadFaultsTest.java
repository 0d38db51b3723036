package dev.stowage.functions.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.Footprint;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.net.URI;
import java.sql.Connection;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Faults injected between the uploads function and PostgreSQL or S3 at each step of a direct upload (initiate,
 * sign, complete: verify, probe, promote) and at a multipart initiate: the caller hears a retryable 503 with
 * {@code Retry-After}, never a 4xx; nothing is half-applied; and a retry ends exactly where a run without
 * faults ends, rows and objects alike ({@link Footprint}).
 */
// Alone: its purges and its before/after listings must not meet another class's rows, nor its own faults theirs.
@Isolated
class UploadFaultsTest {
    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static ObjectStore store;
    static byte[] jpeg;
    /** What a direct upload of the test JPEG leaves when nothing fails. */
    static Footprint faultFree;

    final String owner = "faults-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(faults.micronautProperties()));
        api = new ApiGatewayClient(function);
        store = function.getApplicationContext().getBean(ObjectStore.class);
        jpeg = TestMedia.bytes("landscape.jpg");
        String reference = "reference-" + UUID.randomUUID();
        String session = initiate(reference, "direct").string("id");
        assertEquals(200, put(sign(reference, session)));
        assertEquals(200, complete(reference, session).status());
        faultFree = footprint(reference);
        assertEquals("session1 completed presigned_put -> asset1", faultFree.rows().getFirst(), faultFree.toString());
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static ApiGatewayClient.Reply initiate(String owner, String strategy) {
        return api.call(owner, "POST", "/v1/uploads", """
                {"profile":"image","filename":"landscape.jpg","contentType":"image/jpeg","byteSize":%d,"strategy":"%s"}"""
                .formatted(jpeg.length, strategy));
    }

    static ApiGatewayClient.Reply signReply(String owner, String session) {
        return api.call(owner, "POST", "/v1/uploads/" + session + "/url", "");
    }

    static Map<String, Object> sign(String owner, String session) {
        var signed = signReply(owner, session);
        assertEquals(200, signed.status(), signed.body());
        return signed.map();
    }

    @SuppressWarnings("unchecked")
    static int put(Map<String, Object> signed) {
        return PresignedHttp.send(URI.create((String) signed.get("url")), "PUT",
                (Map<String, String>) signed.get("headers"), jpeg).statusCode();
    }

    static ApiGatewayClient.Reply complete(String owner, String session) {
        return api.call(owner, "POST", "/v1/uploads/" + session + "/complete", "");
    }

    static Footprint footprint(String owner) throws Exception {
        try (Connection db = faults.connect()) {
            return Footprint.of(db, store, owner);
        }
    }

    /** A 503 with Retry-After and the stable code: the answer that tells a client to try the same call again. */
    static void assertUnavailable(String code, ApiGatewayClient.Reply reply) {
        assertEquals(503, reply.status(), reply.body());
        assertEquals(code, reply.string("code"), reply.body());
        String retryAfter = reply.headers().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Retry-After")).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        assertEquals("5", retryAfter, "Retry-After in " + reply.headers());
    }

    /** The SQL of a statement that names {@code table} and starts with {@code verb}, as the driver sends it. */
    static When sql(String verb, String table) {
        return When.bytes(verb + " " + table, chunk -> chunk.contains(verb) && chunk.contains(table));
    }

    /** Initiates, signs and PUTs without faults; returns the session id. */
    String uploaded() {
        String session = initiate(owner, "direct").string("id");
        assertEquals(200, put(sign(owner, session)));
        return session;
    }

    /** The session's rows after a failed complete: still signed, its asset staged, its bytes in staging only. */
    void assertNothingPromoted() throws Exception {
        Footprint now = footprint(owner);
        assertEquals("session1 signed presigned_put -> asset1", now.rows().getFirst(), now.toString());
        assertEquals("asset1 staged null nullxnull", now.rows().get(1), now.toString());
        assertEquals(java.util.List.of("staging/session1/landscape.jpg"), now.objects());
    }

    @Test
    void initiateWhoseInsertIsCutOffAnswers503AndLeavesNoRowThenARetryConverges() throws Exception {
        FaultProxy.Rule cut = faults.database.inject(sql("INSERT", "upload_sessions"), Fault.refuse());
        assertUnavailable("database_unavailable", initiate(owner, "direct"));
        assertEquals(1, cut.fired());
        assertEquals(Footprint.of(faults.connect(), store, owner), new Footprint(java.util.List.of(), java.util.List.of()),
                "no asset without its session, no session without its asset");

        String session = initiate(owner, "direct").string("id");
        assertEquals(200, put(sign(owner, session)));
        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void initiateWhileTheDatabaseIsDownAnswers503WithinTheConnectionTimeoutThenRecovers() throws Exception {
        faults.database.inject(When.everyConnection(), Fault.refuse(), FaultProxy.ALWAYS);
        faults.database.resetAll();
        assertUnavailable("database_unavailable", initiate(owner, "direct"));
        faults.heal();

        String session = initiate(owner, "direct").string("id");
        assertEquals(200, put(sign(owner, session)));
        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aMultipartInitiateThatStorageThrottlesAnswers503AndTheFailedSessionLeavesNothingBehind() throws Exception {
        FaultProxy.Rule slowDown = faults.storage.inject(When.httpRequest("POST", "?uploads"), Fault.s3SlowDown(),
                FaultProxy.ALWAYS);
        assertUnavailable("storage_unavailable", initiate(owner, "multipart"));
        assertEquals(3, slowDown.fired(), "the SDK tried three times, as configured");
        faults.heal();
        Footprint failed = footprint(owner);
        assertEquals(java.util.List.of("session1 failed multipart failed-with-reason -> asset1",
                "asset1 staged null nullxnull"), failed.rows());
        assertEquals(java.util.List.of(), failed.objects(), "storage opened no upload, so no object either");
    }

    @Test
    void signWhoseUpdateIsCutOffAnswers503AndTheSessionStaysInitializedThenARetrySigns() throws Exception {
        String session = initiate(owner, "direct").string("id");
        faults.database.inject(sql("UPDATE", "upload_sessions"), Fault.refuse());
        assertUnavailable("database_unavailable", signReply(owner, session));
        assertEquals("session1 initialized presigned_put -> asset1", footprint(owner).rows().getFirst());

        assertEquals(200, put(sign(owner, session)));
        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void completeWhileStorageThrottlesEveryHeadAnswers503AndClaimsNothingThenARetryConverges() throws Exception {
        String session = uploaded();
        FaultProxy.Rule slowDown = faults.storage.inject(When.httpRequest("HEAD", "/staging/"), Fault.s3SlowDown(),
                FaultProxy.ALWAYS);
        assertUnavailable("storage_unavailable", complete(owner, session));
        assertTrue(slowDown.fired() >= 3, "fired " + slowDown.fired());
        faults.heal();
        assertNothingPromoted();

        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void completeWhoseProbeReadIsResetMidStreamAnswers503ThenARetryConverges() throws Exception {
        String session = uploaded();
        faults.storage.inject(When.httpRequest("GET", "/staging/"),
                Fault.resetAfter(Fault.Direction.TO_CLIENT, 600), FaultProxy.ALWAYS);
        assertUnavailable("storage_unavailable", complete(owner, session));
        faults.heal();
        Footprint halfway = footprint(owner);
        assertEquals("asset1 analyzing null nullxnull", halfway.rows().get(1), halfway.toString());
        assertEquals(java.util.List.of("staging/session1/landscape.jpg"), halfway.objects());

        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void completeWhosePromotingCopyFailsWith500AnswersRetryably503ThenARetryConverges()
            throws Exception {
        String session = uploaded();
        FaultProxy.Rule broken = faults.storage.inject(When.httpRequest("PUT", "/original"),
                Fault.s3InternalError(), FaultProxy.ALWAYS);
        assertUnavailable("storage_unavailable", complete(owner, session));
        assertTrue(broken.fired() >= 3, "fired " + broken.fired());
        faults.heal();
        assertEquals(java.util.List.of("staging/session1/landscape.jpg"), footprint(owner).objects(),
                "no original was promoted");

        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void completeWhoseVerifyingClaimLosesItsAnswerAnswers503AndARetryVerifiesAtOnce() throws Exception {
        String session = uploaded();
        // The claim commits; only its answer is lost. Without the hand-back the retry waits for the lease (minutes).
        FaultProxy.Rule lost = faults.database.inject(When.bytes("UPDATE upload_sessions ... verifying (the claim)",
                        c -> c.contains("UPDATE upload_sessions") && c.contains("lease_owner")
                                && c.contains("string_to_array") && c.contains("verifying")),
                Fault.resetAfter(Fault.Direction.TO_CLIENT, 0));
        assertUnavailable("database_unavailable", complete(owner, session));
        assertEquals(1, lost.fired());
        faults.heal();

        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void completeWhoseVerdictIsCutOffAnswers503AndARetryTakesTheHandedBackLaneAtOnce() throws Exception {
        String session = uploaded();
        FaultProxy.Rule cut = faults.database.inject(When.bytes("UPDATE upload_sessions ... completed",
                        c -> c.contains("UPDATE upload_sessions SET state") && c.contains("completed")),
                Fault.refuse());
        assertUnavailable("database_unavailable", complete(owner, session));
        assertEquals(1, cut.fired());
        assertEquals("session1 verifying presigned_put -> asset1", footprint(owner).rows().getFirst());

        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void completeWhosePromotionCommitIsCutOffAnswers503AndARetryFinishesThePromotionOnce() throws Exception {
        String session = uploaded();
        FaultProxy.Rule cut = faults.database.inject(sql("INSERT", "variants"), Fault.refuse());
        assertUnavailable("database_unavailable", complete(owner, session));
        assertEquals(1, cut.fired());
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().get(1).startsWith("asset1 promoting image/jpeg 1200x800"), halfway.toString());
        assertTrue(halfway.rows().stream().noneMatch(r -> r.contains(" variant ")),
                "no variant rows without the promotion: " + halfway);
        assertEquals(java.util.List.of("assets/asset1/original", "staging/session1/landscape.jpg"), halfway.objects(),
                "the copy stands, the staging object waits for the commit");

        assertEquals(200, complete(owner, session).status());
        assertEquals(faultFree, footprint(owner));
    }
}
