package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.stowage.domain.Principal;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.ObjectInfo;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.functions.uploadevents.UploadEventsHandler;
import dev.stowage.testkit.DelegatingObjectStore;
import dev.stowage.testkit.Events;
import dev.stowage.testkit.TestMedia;
import dev.stowage.testkit.TestLane;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local stand-in for {@code UploadEventsQueue}: the SQS event AWS would pass, redelivery of what
 * failed, dead-lettering after five receives; with the real handler on real PostgreSQL and S3. Each test
 * waits on the message's settlement, never on time.
 */
class LocalEventQueueTest {
    static final String SAMPLE_SESSION = "0b9d6a52-6c1f-4bb8-9f39-3c1d2e4f5a60";
    static final Duration BACKOFF = Duration.ofMillis(10);
    static ApplicationContext context;
    static JsonMapper json;
    final Principal dave = new Principal("dave-" + UUID.randomUUID());
    final byte[] jpeg = TestMedia.bytes("landscape.jpg");
    LocalEventQueue queue;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestStack.get().micronautProperties());
        json = context.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @AfterEach
    void closeQueue() {
        if (queue != null) {
            queue.close();
        }
    }

    /** Every SQS event it is given, recorded before the handler behind it runs. */
    static final class Recording implements RequestStreamHandler {
        final List<SQSMessage> received = new CopyOnWriteArrayList<>();
        final AtomicInteger invocations = new AtomicInteger();
        final RequestStreamHandler next;

        Recording(RequestStreamHandler next) {
            this.next = next;
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context lambda) throws IOException {
            byte[] event = input.readAllBytes();
            invocations.incrementAndGet();
            received.addAll(json.readValue(event, SQSEvent.class).getRecords());
            next.handleRequest(new ByteArrayInputStream(event), output, lambda);
        }
    }

    UploadSession uploaded() {
        var initiated = context.getBean(InitiateUpload.class).execute(dave, new InitiateUpload.Command(
                new UploadAdmission.Declared("image", "my summer photo.jpg", "image/jpeg", (long) jpeg.length, null),
                "direct")).orElseThrow();
        var session = context.getBean(SignUpload.class).execute(dave, initiated.id()).orElseThrow().session();
        // Straight to the S3 server: no front, so no event but the ones this test sends.
        context.getBean(ObjectStore.class).put(session.uploadKey(), jpeg, "image/jpeg");
        return session;
    }

    /** The S3 notification of the sample, for this session's object, as the front emits it. */
    static String s3EventFor(UploadSession session) throws IOException {
        String body = json.readValue(Events.text("sqs-s3-object-created-put.json"), SQSEvent.class)
                .getRecords().getFirst().getBody();
        assertTrue(body.contains(SAMPLE_SESSION));
        return body.replace(SAMPLE_SESSION, session.id().toString());
    }

    /** The real handler over storage whose HEAD of {@code key} fails the first {@code times} times. */
    static UploadEventsHandler handlerWithStorageDown(String key, int times) {
        AtomicInteger failures = new AtomicInteger();
        ObjectStore storage = new DelegatingObjectStore(context.getBean(ObjectStore.class)) {
            @Override
            public Optional<ObjectInfo> head(String headed) {
                if (headed.equals(key) && failures.getAndIncrement() < times) {
                    throw new IllegalStateException("S3 answered 503 SlowDown to HEAD " + headed);
                }
                return super.head(headed);
            }
        };
        return new UploadEventsHandler(json, TestLane.of(context).storage(storage).verify(),
                context.getBean(dev.stowage.domain.stagedfile.ConfirmStagedFile.class));
    }

    static UploadState stateOf(UploadSession session) {
        return context.getBean(UploadSessions.class).findById(session.id()).orElseThrow().state();
    }

    LocalEventQueue.Settled sendAndSettle(RequestStreamHandler handler, String s3Event) throws Exception {
        queue = new LocalEventQueue(json, () -> handler, BACKOFF, "eu-west-1");
        return queue.send(s3Event).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aMessageReportedFailedIsRedeliveredAndItsSecondReceiveVerifiesTheSession() throws Exception {
        UploadSession session = uploaded();
        String s3Event = s3EventFor(session);
        var recording = new Recording(handlerWithStorageDown(session.uploadKey(), 1));

        var settled = sendAndSettle(recording, s3Event);

        assertEquals(2, recording.invocations.get());
        assertEquals(2, recording.received.size(), "one message per SQS event");
        SQSMessage first = recording.received.get(0);
        SQSMessage second = recording.received.get(1);
        assertEquals(new LocalEventQueue.Settled(first.getMessageId(), 2, false), settled);
        assertEquals(first.getMessageId(), second.getMessageId(), "the same message comes back");
        assertEquals(List.of("1", "2"), recording.received.stream()
                .map(m -> m.getAttributes().get("ApproximateReceiveCount")).toList());
        assertNotEquals(first.getReceiptHandle(), second.getReceiptHandle(), "each receive has its own handle");
        for (SQSMessage m : recording.received) {
            assertEquals(s3Event, m.getBody());
            assertEquals("aws:sqs", m.getEventSource());
            assertEquals("eu-west-1", m.getAwsRegion());
            assertTrue(m.getEventSourceArn().startsWith("arn:aws:sqs:eu-west-1:"), m.getEventSourceArn());
        }
        assertEquals(UploadState.COMPLETED, stateOf(session));
    }

    @Test
    void aMessageThatFailsEveryReceiveIsDeadLetteredAfterFive() throws Exception {
        UploadSession session = uploaded();
        var recording = new Recording(handlerWithStorageDown(session.uploadKey(), Integer.MAX_VALUE));

        var settled = sendAndSettle(recording, s3EventFor(session));

        assertTrue(settled.deadLettered(), settled.toString());
        assertEquals(LocalEventQueue.MAX_RECEIVES, settled.receives());
        assertEquals(5, recording.received.size());
        assertEquals(UploadState.SIGNED, stateOf(session));
    }

    @Test
    void anInvocationThatThrowsFailsItsMessageWhichIsRedelivered() throws Exception {
        UploadSession session = uploaded();
        var real = new UploadEventsHandler(context);
        AtomicBoolean crashed = new AtomicBoolean();
        RequestStreamHandler crashingOnce = (in, out, lambda) -> {
            if (crashed.compareAndSet(false, true)) {
                throw new IOException("the function timed out");
            }
            real.handleRequest(in, out, lambda);
        };

        var settled = sendAndSettle(crashingOnce, s3EventFor(session));

        assertEquals(2, settled.receives());
        assertEquals(UploadState.COMPLETED, stateOf(session));
    }

    @Test
    void aMessageWaitsUnreceivedWhileTheHandlerIsNotUp() throws Exception {
        UploadSession session = uploaded();
        var real = new Recording(new UploadEventsHandler(context));
        AtomicInteger asked = new AtomicInteger();
        queue = new LocalEventQueue(json, () -> asked.getAndIncrement() < 2 ? null : real, BACKOFF, "eu-west-1");

        var settled = queue.send(s3EventFor(session)).get(30, TimeUnit.SECONDS);

        assertEquals(3, asked.get());
        assertEquals(1, settled.receives(), "waiting for a consumer is not a receive");
        assertEquals("1", real.received.getFirst().getAttributes().get("ApproximateReceiveCount"));
        assertEquals(UploadState.COMPLETED, stateOf(session));
    }

    @Test
    void noMoreInvocationsRunAtOnceThanTheQueueAllowsAndTheRestWaitTheirTurn() throws Exception {
        int cap = 2;
        var running = new java.util.concurrent.atomic.AtomicInteger();
        var most = new java.util.concurrent.atomic.AtomicInteger();
        var release = new java.util.concurrent.CountDownLatch(1);
        var started = new java.util.concurrent.Semaphore(0);
        RequestStreamHandler slow = (in, out, ctx) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            started.release();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            out.write("{\"batchItemFailures\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        };
        queue = new LocalEventQueue(json, () -> slow, BACKOFF, "eu-west-1", "VariantQueue", cap);
        var settled = java.util.stream.IntStream.range(0, 6).mapToObj(i -> queue.send("{}")).toList();

        assertTrue(started.tryAcquire(cap, 30, TimeUnit.SECONDS), "the first two are invoked");
        assertFalse(started.tryAcquire(1, 300, TimeUnit.MILLISECONDS), "a third waits while two run");
        release.countDown();
        for (var s : settled) {
            assertEquals(1, s.get(30, TimeUnit.SECONDS).receives());
        }
        assertEquals(cap, most.get(), "at most " + cap + " at once");
    }
}
