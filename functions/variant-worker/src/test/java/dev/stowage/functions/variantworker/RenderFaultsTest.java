package dev.stowage.functions.variantworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Principal;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.VariantMessage;
import dev.stowage.testkit.RecordingWorkQueue;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.FaultyStack;
import dev.stowage.testkit.faults.Footprint;
import dev.stowage.testkit.faults.When;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Faults injected between the variant-worker and S3 or PostgreSQL while it renders: the message is reported for
 * redelivery, the variant goes back to queued with no object of it stored, and the redelivery ends exactly
 * where a fault-free render does.
 */
// Alone: its purges and its before/after listings must not meet another class's rows, nor its own faults theirs.
@Isolated
class RenderFaultsTest {
    @RegisterExtension
    static final FaultyStack faults = FaultyStack.start();
    static ApplicationContext context;
    static VariantWorkerHandler handler;
    static JsonMapper json;
    static RecordingWorkQueue queue;
    static Footprint faultFree;
    static final byte[] JPEG = TestMedia.bytes("landscape.jpg");

    final Principal owner = new Principal("render-faults-" + UUID.randomUUID());

    @BeforeAll
    static void start() throws Exception {
        context = ApplicationContext.run(faults.micronautProperties());
        handler = new VariantWorkerHandler(context);
        json = context.getBean(JsonMapper.class);
        queue = context.getBean(RecordingWorkQueue.class);
        Principal reference = new Principal("reference-" + UUID.randomUUID());
        queue.drain();
        promoted(reference);
        assertEquals("{\"batchItemFailures\":[]}", deliver(queue.drain()));
        faultFree = footprint(reference);
        assertTrue(faultFree.rows().contains("asset1 variant thumb ready"), faultFree.toString());
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    /** A proxied upload of the test JPEG through the real promotion lane: processing, two variants queued. */
    static Asset promoted(Principal who) {
        UUID id = UUID.randomUUID();
        String key = StorageKeys.stagingProxied(id, "landscape.jpg");
        Assets assets = context.getBean(Assets.class);
        context.getBean(ObjectStore.class).put(key, JPEG, "image/jpeg");
        assets.insert(Asset.staged(id, who, "image", "landscape.jpg", "image/jpeg", JPEG.length, Optional.empty(),
                key, Instant.now().truncatedTo(ChronoUnit.MICROS)));
        assertTrue(assets.transition(id, AssetState.STAGED, AssetState.VALIDATING));
        Asset asset = context.getBean(PromoteAsset.class).run(id).orElseThrow();
        assertEquals(AssetState.PROCESSING, asset.state());
        return asset;
    }

    static String deliver(List<VariantJob> jobs) throws Exception {
        var event = new SQSEvent();
        event.setRecords(jobs.stream().map(job -> {
            var m = new SQSMessage();
            m.setMessageId(job.variantId().toString());
            m.setBody(VariantMessage.encode(json, job));
            m.setEventSource("aws:sqs");
            return m;
        }).toList());
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    static Footprint footprint(Principal who) throws Exception {
        try (Connection db = faults.connect()) {
            return Footprint.of(db, context.getBean(ObjectStore.class), who.id());
        }
    }

    static String failed(List<VariantJob> jobs) {
        return "{\"batchItemFailures\":[" + String.join(",", jobs.stream()
                .map(j -> "{\"itemIdentifier\":\"" + j.variantId() + "\"}").toList()) + "]}";
    }

    @Test
    void aVariantPutThatStorageFailsIsRedeliveredWithNothingStoredAndTheRedeliveryRendersIt() throws Exception {
        queue.drain();
        promoted(owner);
        List<VariantJob> jobs = queue.drain();
        assertEquals(2, jobs.size());
        FaultProxy.Rule broken = faults.storage.inject(When.httpRequest("PUT", "/variants/"),
                Fault.s3InternalError(), FaultProxy.ALWAYS);
        assertEquals(failed(jobs), deliver(jobs));
        assertTrue(broken.fired() >= 3, "fired " + broken.fired());
        faults.heal();
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().contains("asset1 variant thumb queued"), halfway.toString());
        assertTrue(halfway.rows().contains("asset1 variant medium queued"), halfway.toString());
        assertEquals(List.of("assets/asset1/original"), halfway.objects());

        assertEquals("{\"batchItemFailures\":[]}", deliver(jobs));
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aReadOfTheOriginalResetMidStreamIsRedeliveredAndTheRedeliveryRendersIt() throws Exception {
        queue.drain();
        promoted(owner);
        List<VariantJob> jobs = queue.drain();
        faults.storage.inject(When.httpRequest("GET", "/original"),
                Fault.resetAfter(Fault.Direction.TO_CLIENT, 700), FaultProxy.ALWAYS);
        assertEquals(failed(jobs), deliver(jobs));
        faults.heal();
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().stream().noneMatch(r -> r.endsWith(" ready")), halfway.toString());
        assertEquals(List.of("assets/asset1/original"), halfway.objects());

        assertEquals("{\"batchItemFailures\":[]}", deliver(jobs));
        assertEquals(faultFree, footprint(owner));
    }

    /**
     * Found by the soak in a fresh-clone build: the last variant marked ready, then the statement settling its asset
     * cut, left the asset processing for good (the redelivery found the variant ready and did nothing).
     */
    @Test
    void aSettleCutOffAfterTheLastVariantIsFinishedByTheRedelivery() throws Exception {
        queue.drain();
        promoted(owner);
        List<VariantJob> jobs = queue.drain();
        assertEquals("{\"batchItemFailures\":[]}", deliver(jobs.subList(0, 1)));
        List<VariantJob> last = jobs.subList(1, 2);
        FaultProxy.Rule cut = faults.database.inject(
                When.bytes("UPDATE assets ... processing", c -> c.contains("UPDATE assets") && c.contains("'processing'")),
                Fault.refuse());
        assertEquals(failed(last), deliver(last));
        assertEquals(1, cut.fired());
        faults.heal();
        Footprint halfway = footprint(owner);
        assertTrue(halfway.rows().contains("asset1 variant " + last.getFirst().variant() + " ready"), halfway.toString());
        assertTrue(halfway.rows().stream().anyMatch(r -> r.startsWith("asset1 processing ")), halfway.toString());

        assertEquals("{\"batchItemFailures\":[]}", deliver(last));
        assertEquals(faultFree, footprint(owner));
    }

    @Test
    void aMarkReadyCutOffIsRedeliveredAndLeavesOneObjectPerVariant() throws Exception {
        queue.drain();
        promoted(owner);
        List<VariantJob> jobs = queue.drain().subList(0, 1);
        FaultProxy.Rule cut = faults.database.inject(
                When.bytes("UPDATE variants ... ready", c -> c.contains("UPDATE variants") && c.contains("'ready'")),
                Fault.refuse());
        assertEquals(failed(jobs), deliver(jobs));
        assertEquals(1, cut.fired());
        faults.heal();

        assertEquals("{\"batchItemFailures\":[]}", deliver(jobs));
        Footprint after = footprint(owner);
        assertTrue(after.rows().contains("asset1 variant " + jobs.getFirst().variant() + " ready"), after.toString());
        assertEquals(2, after.objects().size(), "the original and one object for the variant: " + after);
    }

    /**
     * Found by the 10-minute soak: the claim committed, its answer lost, and the redelivery found the variant claimed
     * and let go, so it waited for the purger's starved-after (ten minutes) with its asset processing.
     */
    @Test
    void aClaimWhoseAnswerIsLostIsHandedBackAndTheRedeliveryRendersAtOnce() throws Exception {
        queue.drain();
        promoted(owner);
        List<VariantJob> jobs = queue.drain();
        FaultProxy.Rule lost = faults.database.inject(
                When.bytes("UPDATE variants ... processing (the claim)",
                        c -> c.contains("UPDATE variants") && c.contains("'processing'") && c.contains("recipe_digest")),
                Fault.resetAfter(Fault.Direction.TO_CLIENT, 0));
        assertEquals(failed(jobs.subList(0, 1)), deliver(jobs.subList(0, 1)));
        assertEquals(1, lost.fired());
        faults.heal();

        assertEquals("{\"batchItemFailures\":[]}", deliver(jobs));
        assertEquals(faultFree, footprint(owner));
    }
}
