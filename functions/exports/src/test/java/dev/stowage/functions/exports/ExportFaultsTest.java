package dev.stowage.functions.exports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.Footprint;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Faults injected between the exports function and S3 or PostgreSQL while it writes an export into
 * {@code exports/} (every export spills there: {@code inline-max-bytes} is 0): the caller hears 503 with
 * {@code Retry-After}, no row, object or open multipart upload is left, and a retry ends where a fault-free
 * export does.
 */
// Alone: its purges and its before/after listings must not meet another class's rows, nor its own faults theirs.
@Isolated
class ExportFaultsTest {
    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static Footprint faultFree;

    final String owner = "export-faults-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> properties = new HashMap<>(faults.micronautProperties());
        properties.put("stowage.exports.inline-max-bytes", 0);
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(properties));
        api = new ApiGatewayClient(function);
        String reference = "reference-" + UUID.randomUUID();
        assertEquals(201, create(reference).status());
        faultFree = footprint(reference);
        assertEquals(List.of("export1 ready 14", "export1 event export.ready"), faultFree.rows(), faultFree.toString());
        assertEquals(List.of("exports/export1"), faultFree.objects());
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static ApiGatewayClient.Reply create(String who) {
        return api.call(who, "POST", "/v1/exports", """
                {"filename":"a.csv","format":"csv","contentType":"text/csv","content":"id,name\\n1,one\\n"}""");
    }

    static Footprint footprint(String who) throws Exception {
        try (Connection db = faults.connect()) {
            return Footprint.of(db, function.getApplicationContext().getBean(ObjectStore.class), who);
        }
    }

    static void assertUnavailable(String code, ApiGatewayClient.Reply reply) {
        assertEquals(503, reply.status(), reply.body());
        assertEquals(code, reply.string("code"));
        assertEquals("5", reply.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null));
    }

    static List<MultipartStore.PendingUpload> openUploads() {
        return function.getApplicationContext().getBean(MultipartStore.class).listUploads("exports/", 1000);
    }

    @Test
    void anExportWhoseWriteStorageFailsAnswers503AndLeavesNoRowNoObjectNoUploadThenARetryConverges()
            throws Exception {
        int uploadsBefore = openUploads().size();
        List<String> before = exportObjects();
        FaultProxy.Rule broken = faults.storage.inject(
                When.bytes("PUT to exports/", c -> c.startsWith("PUT ") && c.contains("/exports/")),
                Fault.s3InternalError(), FaultProxy.ALWAYS);
        assertUnavailable("storage_unavailable", create(owner));
        assertTrue(broken.fired() >= 3, "fired " + broken.fired());
        faults.heal();
        assertEquals(new Footprint(List.of(), List.of()), footprint(owner));
        assertEquals(uploadsBefore, openUploads().size(), "the export's multipart upload was aborted");
        assertEquals(before, exportObjects(), "no object whose row is gone");

        assertEquals(201, create(owner).status());
        assertEquals(faultFree, footprint(owner));
    }

    /** Every object under exports/: a Footprint sees only the objects of rows that exist. */
    static List<String> exportObjects() {
        return function.getApplicationContext().getBean(ObjectStore.class)
                .list("exports/", java.util.Optional.empty(), 1000).stream().map(ObjectStore.Listed::key).toList();
    }

    @Test
    void anExportWhoseReadyMarkIsCutOffAnswers503AndLeavesNoRowAndNoObjectThenARetryConverges() throws Exception {
        List<String> before = exportObjects();
        FaultProxy.Rule cut = faults.database.inject(
                When.bytes("UPDATE exports ready", c -> c.contains("UPDATE exports") && c.contains("ready")),
                Fault.refuse());
        assertUnavailable("database_unavailable", create(owner));
        assertEquals(1, cut.fired());
        assertEquals(new Footprint(List.of(), List.of()), footprint(owner), "nothing half-written stays");
        assertEquals(before, exportObjects(), "no object whose row is gone");

        assertEquals(201, create(owner).status());
        assertEquals(faultFree, footprint(owner));
    }
}
