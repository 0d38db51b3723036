package dev.stowage.functions.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.testkit.ApiGatewayClient;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.Footprint;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Faults injected between the assets function and PostgreSQL while it attaches and replaces an asset in a slot:
 * the caller hears 503 with {@code Retry-After}, the slot keeps what it had, and a retry (then the purge of
 * the replaced asset) ends exactly where a fault-free replace does.
 */
// Alone: its purges and its before/after listings must not meet another class's rows, nor its own faults theirs.
@Isolated
class AttachFaultsTest {
    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static APIGatewayV2HTTPEventFunction function;
    static ApiGatewayClient api;
    static Footprint faultFree;

    final String owner = "attach-faults-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        function = new APIGatewayV2HTTPEventFunction(ApplicationContext.run(faults.micronautProperties()));
        api = new ApiGatewayClient(function);
        String reference = "reference-" + UUID.randomUUID();
        Asset first = stored(reference);
        Asset second = stored(reference);
        assertEquals(200, attach(reference, first).status());
        assertEquals(200, attach(reference, second).status());
        purgeDetached();
        faultFree = footprint(reference);
        // The replaced asset is purged, row and object: the one left is the only asset, asset1.
        assertTrue(faultFree.rows().contains("attachment user/avatar -> asset1"), faultFree.toString());
        assertEquals(List.of("assets/asset1/original"), faultFree.objects());
    }

    @AfterAll
    static void stop() {
        function.close();
    }

    static Asset stored(String who) {
        byte[] bytes = TestMedia.bytes("landscape.jpg");
        return function.getApplicationContext().getBean(ProxiedUpload.class).execute(new Principal(who),
                new ProxiedUpload.Command(new UploadAdmission.Declared("image", "landscape.jpg", "image/jpeg",
                        (long) bytes.length, null), bytes)).orElseThrow();
    }

    static ApiGatewayClient.Reply attach(String who, Asset asset) {
        return api.call(who, "PUT", "/v1/owners/user/42/slots/avatar", "{\"assetId\":\"" + asset.id() + "\"}");
    }

    static void purgeDetached() {
        var context = function.getApplicationContext();
        new PurgeDetachedAssets(context.getBean(Assets.class), context.getBean(ObjectStore.class),
                new UnreferencedGraces(Duration.ZERO, Duration.ofDays(1)), 100)
                .run();
    }

    static Footprint footprint(String who) throws Exception {
        try (Connection db = faults.connect()) {
            return Footprint.of(db, function.getApplicationContext().getBean(ObjectStore.class), who);
        }
    }

    static void assertUnavailable(ApiGatewayClient.Reply reply) {
        assertEquals(503, reply.status(), reply.body());
        assertEquals("database_unavailable", reply.string("code"));
        assertEquals("5", reply.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null));
    }

    @Test
    void aReplaceWhoseUpsertIsCutOffAnswers503KeepsTheOldAssetAttachedAndARetryConverges() throws Exception {
        Asset first = stored(owner);
        Asset second = stored(owner);
        assertEquals(200, attach(owner, first).status());
        FaultProxy.Rule cut = faults.database.inject(
                When.bytes("INSERT INTO attachments", c -> c.contains("INSERT INTO attachments")), Fault.refuse());
        assertUnavailable(attach(owner, second));
        assertEquals(1, cut.fired());
        purgeDetached();
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().contains("attachment user/avatar -> asset1"), halfway.toString());
        assertEquals(List.of("assets/asset1/original", "assets/asset2/original"), halfway.objects(),
                "neither asset was purged: one is attached, the other never was");

        assertEquals(200, attach(owner, second).status());
        purgeDetached();
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void anAttachWhileTheDatabaseIsDownAnswers503AndARetryAttaches() throws Exception {
        Asset first = stored(owner);
        Asset second = stored(owner);
        assertEquals(200, attach(owner, first).status());
        faults.database.inject(When.everyConnection(), Fault.refuse(), FaultProxy.ALWAYS);
        faults.database.resetAll();
        assertUnavailable(attach(owner, second));
        faults.heal();

        assertEquals(200, attach(owner, second).status());
        purgeDetached();
        assertEquals(faultFree, footprint(owner));
    }
}
