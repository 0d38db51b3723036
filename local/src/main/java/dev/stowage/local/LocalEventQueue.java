package dev.stowage.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQS queue and its Lambda event source, in one JVM: the upload-events queue (each S3 notification
 * becomes a message), the variant work queue and the export work queue. Each message is delivered alone in an SQS event; a message the handler reports in {@code batchItemFailures}, or
 * whose invocation throws, comes back after a backoff (SQS: its visibility timeout) with its receive count
 * raised, until {@link #MAX_RECEIVES} receives; then it is dead-lettered: logged at ERROR and dropped.
 */
final class LocalEventQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEventQueue.class);
    /** The DLQ's {@code maxReceiveCount} on AWS. */
    static final int MAX_RECEIVES = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What became of a message: deleted after {@code receives} receives, or dead-lettered. */
    record Settled(String messageId, int receives, boolean deadLettered) {}

    private record Message(String id, String body, long sentAt, CompletableFuture<Settled> settled) {}

    private final JsonMapper json;
    private final Supplier<RequestStreamHandler> consumer;
    private final Duration backoff;
    private final String queueArn;
    private final String queueName;
    private final Semaphore invocations;
    private final String region;
    private final ExecutorService receivers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-sqs-timer").factory());

    /**
     * @param consumer the handler the event source invokes; null while it is not up, and messages wait
     * @param backoff  the wait before the second receive; it doubles for each later one
     */
    LocalEventQueue(JsonMapper json, Supplier<RequestStreamHandler> consumer, Duration backoff, String region) {
        this(json, consumer, backoff, region, "UploadEventsQueue", Integer.MAX_VALUE);
    }

    /**
     * @param queueName      the queue's logical id in template.yaml, for the event source ARN the handler sees
     * @param maxConcurrency invocations at once, as the event source's {@code MaximumConcurrency} caps them on
     *                       AWS; further messages wait their turn in the queue
     */
    LocalEventQueue(JsonMapper json, Supplier<RequestStreamHandler> consumer, Duration backoff, String region,
                    String queueName, int maxConcurrency) {
        this.queueName = queueName;
        this.invocations = new Semaphore(maxConcurrency);
        this.json = json;
        this.consumer = consumer;
        this.backoff = backoff;
        this.region = region;
        this.queueArn = "arn:aws:sqs:" + region + ":000000000000:stowage-local-" + queueName;
    }

    /** Enqueues {@code body}; the future completes when the message is deleted or dead-lettered. */
    CompletableFuture<Settled> send(String body) {
        var message = new Message(UUID.randomUUID().toString(), body, System.currentTimeMillis(),
                new CompletableFuture<>());
        receiveLater(message, 1, Duration.ZERO);
        return message.settled();
    }

    private void receiveLater(Message message, int receive, Duration delay) {
        try {
            timer.schedule(() -> receivers.execute(() -> receive(message, receive)), delay.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("queue closed; message {} dropped", message.id());
        }
    }

    private void receive(Message message, int receive) {
        RequestStreamHandler handler = consumer.get();
        if (handler == null) { // no event source yet: the message stays in the queue, unreceived
            receiveLater(message, receive, backoff);
        } else if (deliverInTurn(handler, message, receive)) {
            message.settled().complete(new Settled(message.id(), receive, false));
        } else if (receive >= MAX_RECEIVES) {
            LOG.error("{}: message {} failed {} receives, dead-lettered: {}", queueName, message.id(), receive,
                    message.body());
            message.settled().complete(new Settled(message.id(), receive, true));
        } else {
            receiveLater(message, receive + 1, backoff.multipliedBy(1L << (receive - 1)));
        }
    }

    private boolean deliverInTurn(RequestStreamHandler handler, Message message, int receive) {
        invocations.acquireUninterruptibly();
        try {
            return deliver(handler, message, receive);
        } finally {
            invocations.release();
        }
    }

    /** True when the handler acknowledged the message (answered without listing it). */
    private boolean deliver(RequestStreamHandler handler, Message message, int receive) {
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event(message, receive))), out,
                    null);
            var failures = json.readValue(out.toByteArray(), SQSBatchResponse.class).getBatchItemFailures();
            return failures == null || failures.stream().noneMatch(f -> message.id().equals(f.getItemIdentifier()));
        } catch (Exception e) {
            LOG.warn("{}: invocation failed on receive {} of message {}", queueName, receive, message.id(), e);
            return false;
        }
    }

    /** The SQS event AWS's event source would pass: one record, a fresh receipt handle per receive. */
    private SQSEvent event(Message message, int receive) {
        var record = new SQSEvent.SQSMessage();
        record.setMessageId(message.id());
        byte[] handle = new byte[64];
        RANDOM.nextBytes(handle);
        record.setReceiptHandle(Base64.getEncoder().encodeToString(handle));
        record.setBody(message.body());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("ApproximateReceiveCount", Integer.toString(receive));
        attributes.put("SentTimestamp", Long.toString(message.sentAt()));
        attributes.put("SenderId", "stowage-local-s3");
        attributes.put("ApproximateFirstReceiveTimestamp", Long.toString(message.sentAt()));
        record.setAttributes(attributes);
        record.setMessageAttributes(Map.of());
        record.setMd5OfBody(md5Hex(message.body()));
        record.setEventSource("aws:sqs");
        record.setEventSourceArn(queueArn);
        record.setAwsRegion(region);
        var event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    private static String md5Hex(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(Objects.requireNonNull(body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** Drops whatever is still queued or waiting for its next receive. */
    @Override
    public void close() {
        timer.shutdownNow();
        receivers.shutdownNow();
    }
}
