package dev.stowage.functions.variantworker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.variant.CancelProcessing;
import dev.stowage.domain.variant.RenderVariant;
import dev.stowage.domain.variant.RequeueStarvedVariants;
import dev.stowage.domain.variant.Variant;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.domain.variant.VariantState;
import dev.stowage.lambda.config.VariantSettings;
import dev.stowage.lambda.events.VariantMessage;
import dev.stowage.testkit.AtLeastOnce;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.PresignedHttp;
import dev.stowage.testkit.RecordingWorkQueue;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The variant-worker's SQS trigger on real PostgreSQL and S3 with the real renderer: uploads promoted by
 * the real lane queue their variants, and the test delivers the queued messages as SQS would (twice,
 * late, after a cancel, with storage failing), counting every render.
 */
class VariantWorkerHandlerTest {
    static final String ALL_SUCCEEDED = "{\"batchItemFailures\":[]}";
    static ApplicationContext context;
    static JsonMapper json;
    static Assets assets;
    static Variants variants;
    static RecordingWorkQueue queue;

    final Principal alice = new Principal("alice-" + UUID.randomUUID());
    final AtomicInteger renders = new AtomicInteger();
    /** Storage puts fail while positive, counting down. */
    final AtomicInteger failingPuts = new AtomicInteger();
    /** Runs inside each render, after the claim and before storage: where a race is staged. */
    volatile Runnable duringRender = () -> { };
    VariantWorkerHandler handler;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        json = context.getBean(JsonMapper.class);
        assets = context.getBean(Assets.class);
        variants = context.getBean(Variants.class);
        queue = context.getBean(RecordingWorkQueue.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @BeforeEach
    void handlerCountingRenders() {
        queue.drain();
        handler = countingHandler();
    }

    /** A worker instance over the shared database and bucket whose renders are counted in {@link #renders}. */
    VariantWorkerHandler countingHandler() {
        VariantRenderer real = context.getBean(VariantRenderer.class);
        VariantRenderer counting = new VariantRenderer() {
            @Override
            public String name() {
                return real.name();
            }

            @Override
            public boolean writes(String format) {
                return real.writes(format);
            }

            @Override
            public Rendering render(byte[] source, VariantSpec spec) {
                renders.incrementAndGet();
                duringRender.run();
                return real.render(source, spec);
            }
        };
        ObjectStore store = new DelegatingObjectStore(context.getBean(ObjectStore.class)) {
            @Override
            public void put(String key, InputStream body, long length, String contentType, Optional<String> cache) {
                if (failingPuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new IllegalStateException("storage answers 503 SlowDown");
                }
                super.put(key, body, length, contentType, cache);
            }
        };
        VariantSettings settings = context.getBean(VariantSettings.class);
        return new VariantWorkerHandler(json, new RenderVariant(assets, variants, store, counting,
                context.getBean(Profiles.class), settings.lease(), settings.maxAttempts()));
    }

    // ------------------------------------------------------------------ helpers

    /** An asset of {@code profile} holding {@code bytes}, taken through the real promotion lane. */
    Asset promoted(String profile, String filename, String contentType, byte[] bytes) {
        UUID id = UUID.randomUUID();
        String key = StorageKeys.stagingProxied(id, filename);
        context.getBean(ObjectStore.class).put(key, bytes, contentType);
        assets.insert(Asset.staged(id, alice, profile, filename, contentType, bytes.length, Optional.empty(), key,
                Instant.now().truncatedTo(ChronoUnit.MICROS)));
        assertTrue(assets.transition(id, AssetState.STAGED, AssetState.VALIDATING));
        return context.getBean(PromoteAsset.class).run(id).orElseThrow();
    }

    String deliver(List<VariantJob> jobs) throws IOException {
        var event = new SQSEvent();
        event.setRecords(jobs.stream().map(this::message).toList());
        return handle(json.writeValueAsString(event));
    }

    SQSMessage message(VariantJob job) {
        var m = new SQSMessage();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(VariantMessage.encode(json, job));
        m.setEventSource("aws:sqs");
        return m;
    }

    String handle(String sqsEvent) throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(sqsEvent.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    Variant variant(Asset asset, String name) {
        return variants.ofAsset(asset.id()).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    AssetState stateOf(Asset asset) {
        return assets.findById(asset.id()).orElseThrow().state();
    }

    static BufferedImage decode(byte[] bytes) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    // ------------------------------------------------------------------ tests

    @Test
    void promotionQueuesOneMessagePerVariantAndTheWorkerRendersThemAll() throws Exception {
        Asset asset = promoted("image", "photo.jpg", "image/jpeg", TestMedia.bytes("landscape.jpg"));
        assertEquals(AssetState.PROCESSING, asset.state());
        List<VariantJob> jobs = queue.drain();
        assertEquals(List.of("medium", "thumb"), jobs.stream().map(VariantJob::variant).sorted().toList());

        assertEquals(ALL_SUCCEEDED, deliver(jobs));

        assertEquals(2, renders.get());
        assertEquals(AssetState.READY, stateOf(asset), "every variant ready: the asset is ready");
        Variant thumb = variant(asset, "thumb");
        Variant medium = variant(asset, "medium");
        assertEquals(VariantState.READY, thumb.state());
        assertEquals(new Variant.Rendition("image/jpeg", thumb.rendition().orElseThrow().byteSize(), 200, 200),
                thumb.rendition().orElseThrow());
        assertEquals(800, medium.rendition().orElseThrow().width(), "1200x800 contained in 800x800");
        assertEquals(533, medium.rendition().orElseThrow().height());
        // Stored under a key naming the recipe, immutable for caches, with exactly the promised pixels.
        VariantSpec spec = context.getBean(Profiles.class).variant("image", "thumb").orElseThrow();
        assertEquals(StorageKeys.variant(asset.id(), "thumb", spec.recipeDigest(), "jpeg"), thumb.storageKey().orElseThrow());
        ObjectStore store = context.getBean(ObjectStore.class);
        assertEquals(Optional.of(RenderVariant.IMMUTABLE), store.head(thumb.storageKey().get()).orElseThrow().cacheControl());
        var download = PresignedHttp.send(store.presignGet(thumb.storageKey().get(), Duration.ofMinutes(1)).url(), "GET",
                java.util.Map.of(), null);
        BufferedImage image = decode(download.body());
        assertEquals(200, image.getWidth());
        assertEquals(200, image.getHeight());
    }

    @Test
    void aPhonePhotoBecomesUprightVariantsWithItsGpsAndCameraGone() throws Exception {
        // landscape.jpg stored 1200x800 with Orientation 6 (displayed 800x1200), a GPS position and a camera.
        byte[] photo = TestMedia.jpegWithExif(TestMedia.bytes("landscape.jpg"), 6, "PhoneMaker", "Model-GPS-7");
        Asset asset = promoted("image", "phone.jpg", "image/jpeg", photo);

        assertEquals(ALL_SUCCEEDED, deliver(queue.drain()));

        assertEquals(AssetState.READY, stateOf(asset));
        Variant medium = variant(asset, "medium");
        assertEquals(533, medium.rendition().orElseThrow().width(), "upright: 800x1200 contained in 800x800");
        assertEquals(800, medium.rendition().orElseThrow().height());
        ObjectStore store = context.getBean(ObjectStore.class);
        for (Variant v : variants.ofAsset(asset.id())) {
            byte[] bytes = store.open(v.storageKey().orElseThrow()).readAllBytes();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("Exif"), v.name() + " carries an EXIF block");
            assertFalse(text.contains("PhoneMaker") || text.contains("Model-GPS-7"), v.name() + " names the camera");
            BufferedImage image = decode(bytes);
            assertEquals(v.rendition().orElseThrow().width(), image.getWidth(), v.name());
            assertEquals(v.rendition().orElseThrow().height(), image.getHeight(), v.name());
        }
    }

    @Test
    void theSameMessageDeliveredTwiceRendersOnceAndTransitionsOnce() throws Exception {
        Asset asset = promoted("image", "photo.jpg", "image/jpeg", TestMedia.bytes("landscape.jpg"));
        List<VariantJob> jobs = queue.drain();
        VariantJob thumb = jobs.stream().filter(j -> j.variant().equals("thumb")).findFirst().orElseThrow();

        assertEquals(ALL_SUCCEEDED, deliver(List.of(thumb, thumb)), "a duplicate in the same batch");
        Variant first = variant(asset, "thumb");
        assertEquals(ALL_SUCCEEDED, deliver(List.of(thumb)), "a late redelivery");

        assertEquals(1, renders.get(), "rendered once");
        Variant after = variant(asset, "thumb");
        assertEquals(VariantState.READY, after.state());
        assertEquals(first.updatedAt(), after.updatedAt(), "the duplicates changed nothing");
        assertEquals(1, after.attempts(), "claimed once");
        assertEquals(AssetState.PROCESSING, stateOf(asset), "medium is still queued");
    }

    @Test
    void everyJobDeliveredThreeTimesShuffledToFourWorkersAtOnceRendersEachVariantOnce() throws Exception {
        long seed = Long.getLong("stowage.replay.seed", System.nanoTime());
        List<Asset> promoted = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            promoted.add(promoted("image", "photo" + i + ".jpg", "image/jpeg", TestMedia.bytes("landscape.jpg")));
        }
        List<SQSMessage> messages = queue.drain().stream().map(this::message).toList();
        assertEquals(10, messages.size());
        var delivery = AtLeastOnce.sqs(json, 4, this::countingHandler);

        int deliveries = delivery.deliver(messages, new java.util.Random(seed));

        String replay = "-Dstowage.replay.seed=" + seed;
        assertTrue(deliveries >= 30, replay);
        assertEquals(10, renders.get(), "each variant rendered once in " + deliveries + " deliveries, " + replay);
        for (Asset asset : promoted) {
            assertEquals(AssetState.READY, stateOf(asset), replay);
            for (Variant v : variants.ofAsset(asset.id())) {
                assertEquals(VariantState.READY, v.state(), replay);
                assertEquals(1, v.attempts(), "claimed once: " + v.name() + ", " + replay);
            }
        }
    }

    @Test
    void aMessageForACancelledVariantRendersNothing() throws Exception {
        Asset asset = promoted("image", "photo.jpg", "image/jpeg", TestMedia.bytes("landscape.jpg"));
        List<VariantJob> jobs = queue.drain();
        var report = context.getBean(CancelProcessing.class).execute(alice, asset.id()).orElseThrow();
        assertEquals(List.of("medium", "thumb"), report.cancelled().stream().sorted().toList());
        assertEquals(AssetState.DEGRADED, report.assetState(), "nothing in flight, not every variant ready");

        assertEquals(ALL_SUCCEEDED, deliver(jobs));

        assertEquals(0, renders.get());
        assertTrue(variants.ofAsset(asset.id()).stream().allMatch(v -> v.state() == VariantState.CANCELLED));
    }

    @Test
    void anImageDeclaringMorePixelsThanTheBudgetFailsItsVariantsAndDegradesTheAsset() throws Exception {
        Asset asset = promoted("image", "huge.png", "image/png", TestMedia.pngDeclaring(40_000, 40_000));
        assertEquals(AssetState.PROCESSING, asset.state(), "the header is a valid PNG's: promoted");

        assertEquals(ALL_SUCCEEDED, deliver(queue.drain()), "a refusal is final: nothing to redeliver");

        assertEquals(AssetState.DEGRADED, stateOf(asset));
        for (Variant v : variants.ofAsset(asset.id())) {
            assertEquals(VariantState.FAILED, v.state(), v.name());
            assertTrue(v.failureReason().orElseThrow().startsWith("too_many_pixels:"), v.failureReason().toString());
            assertTrue(v.storageKey().isEmpty(), "nothing stored");
        }
    }

    @Test
    void aTruncatedJpegFailsItsVariantsAsUndecodableAndDegradesTheAsset() throws Exception {
        // The first 15,000 bytes of landscape.jpg: its header probes as a 1200x800 JPEG, its scan stops short.
        Asset asset = promoted("image", "cut.jpg", "image/jpeg", TestMedia.bytes("truncated.jpg"));
        assertEquals(AssetState.PROCESSING, asset.state());

        assertEquals(ALL_SUCCEEDED, deliver(queue.drain()), "a refusal is final: nothing to redeliver");

        assertEquals(AssetState.DEGRADED, stateOf(asset));
        for (Variant v : variants.ofAsset(asset.id())) {
            assertEquals(VariantState.FAILED, v.state(), v.name());
            assertTrue(v.failureReason().orElseThrow().startsWith("undecodable_image:"), v.failureReason().toString());
        }
    }

    @Test
    void aTransientStorageFailureReleasesTheClaimAndTheRedeliveredMessageRendersIt() throws Exception {
        Asset asset = promoted("image", "photo.jpg", "image/jpeg", TestMedia.bytes("landscape.jpg"));
        VariantJob thumb = queue.drain().stream().filter(j -> j.variant().equals("thumb")).findFirst().orElseThrow();
        failingPuts.set(1);
        SQSMessage message = message(thumb);
        var event = new SQSEvent();
        event.setRecords(List.of(message));

        String answer = handle(json.writeValueAsString(event));

        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"" + message.getMessageId() + "\"}]}", answer);
        assertEquals(VariantState.QUEUED, variant(asset, "thumb").state(), "released, not stuck processing");
        assertEquals(ALL_SUCCEEDED, handle(json.writeValueAsString(event)), "SQS delivers it again");
        assertEquals(VariantState.READY, variant(asset, "thumb").state());
        assertEquals(2, renders.get());
    }

    @Test
    void aMessageNamingAnOldRecipeIsDroppedAndThePurgerSendsItAgainUnderTodaysRecipe() throws Exception {
        Asset asset = promoted("image", "photo.jpg", "image/jpeg", TestMedia.bytes("landscape.jpg"));
        VariantJob thumb = queue.drain().stream().filter(j -> j.variant().equals("thumb")).findFirst().orElseThrow();
        VariantJob old = new VariantJob(thumb.variantId(), thumb.assetId(), "thumb", "0123456789abcdef");

        assertEquals(ALL_SUCCEEDED, deliver(List.of(old)));
        assertEquals(0, renders.get());
        assertEquals(VariantState.QUEUED, variant(asset, "thumb").state());

        // Its message is as good as lost: the purger's starved-work pass sends it again.
        int sent = new RequeueStarvedVariants(assets, variants, context.getBean(Profiles.class), queue, Duration.ZERO,
                100).run();
        assertTrue(sent >= 2, "thumb and medium starved: " + sent);
        List<VariantJob> again = queue.drain().stream().filter(j -> j.assetId().equals(asset.id())).toList();
        assertTrue(again.contains(thumb), "sent again under today's recipe: " + again);
        assertEquals(ALL_SUCCEEDED, deliver(again));
        assertEquals(AssetState.READY, stateOf(asset));
    }

    @Test
    void aRenderingOfAnAssetPurgedWhileItRenderedIsNotLeftInTheBucket() throws Exception {
        Asset asset = promoted("image", "photo.jpg", "image/jpeg", TestMedia.bytes("landscape.jpg"));
        VariantJob thumb = queue.drain().stream().filter(j -> j.variant().equals("thumb")).findFirst().orElseThrow();
        var slot = dev.stowage.domain.attachment.Slot.of("user", "7", "avatar").orElseThrow();
        var attachments = context.getBean(dev.stowage.domain.port.Attachments.class);
        assertTrue(attachments.attach(alice, slot, asset.id()).isPresent());
        assertTrue(attachments.detach(alice, slot).isPresent());
        ObjectStore store = context.getBean(ObjectStore.class);
        duringRender = () -> assertTrue(new dev.stowage.domain.attachment.PurgeDetachedAssets(assets, store,
                new dev.stowage.domain.attachment.UnreferencedGraces(Duration.ZERO, Duration.ofDays(1)), 100).run() >= 1,
                "the purge removed the asset mid-render");

        assertEquals(ALL_SUCCEEDED, deliver(List.of(thumb)));

        assertTrue(assets.findById(asset.id()).isEmpty(), "purged");
        VariantSpec spec = context.getBean(Profiles.class).variant("image", "thumb").orElseThrow();
        assertEquals(Optional.empty(), store.head(StorageKeys.variant(asset.id(), "thumb", spec.recipeDigest(), "jpeg")),
                "the worker removed what it stored for a variant that no longer exists");
    }

    @Test
    void aBodyThatIsNotAVariantMessageIsAcknowledgedAndRendersNothing() throws Exception {
        var m = new SQSMessage();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody("{\"Records\":[]}");
        var event = new SQSEvent();
        event.setRecords(List.of(m));
        assertEquals(ALL_SUCCEEDED, handle(json.writeValueAsString(event)));
        assertEquals(0, renders.get());
    }

    @Test
    void theSampleInEventsIsRenderedOnceItsIdsNameARealVariant() throws Exception {
        Asset asset = promoted("avatar", "me.png", "image/png", TestMedia.bytes("alpha.png"));
        VariantJob large = queue.drain().stream().filter(j -> j.variant().equals("large")).findFirst().orElseThrow();
        String sample = Events.text("sqs-variant-work.json");
        SQSMessage parsed = json.readValue(sample, SQSEvent.class).getRecords().getFirst();
        VariantJob sampleJob = VariantMessage.decode(json, parsed.getBody()).orElseThrow();
        assertEquals("arn:aws:sqs:eu-west-1:123456789012:stowage-VariantQueue-3KQ9ZT6R2M1X", parsed.getEventSourceArn());
        assertEquals(ALL_SUCCEEDED, handle(sample), "the sample's variant exists nowhere: dropped, never retried");

        String real = sample.replace(sampleJob.variantId().toString(), large.variantId().toString())
                .replace(sampleJob.assetId().toString(), large.assetId().toString())
                .replace("\\\"variant\\\":\\\"thumb\\\"", "\\\"variant\\\":\\\"large\\\"")
                .replace(sampleJob.recipeDigest(), large.recipeDigest());
        assertEquals(ALL_SUCCEEDED, handle(real));

        Variant rendered = variant(asset, "large");
        assertEquals(VariantState.READY, rendered.state());
        byte[] bytes = context.getBean(ObjectStore.class).open(rendered.storageKey().orElseThrow()).readAllBytes();
        BufferedImage image = decode(bytes);
        assertEquals(256, image.getWidth());
        assertEquals(256, image.getHeight());
        assertFalse(image.getColorModel().hasAlpha(), "a JPEG variant has no alpha: flattened");
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8}, java.util.Arrays.copyOf(bytes, 2), "a JPEG");
    }
}
