package dev.stowage.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Delivery as SQS makes it, at least once: every message three times, twice under its own id (SQS gives a message
 * out again when its visibility timeout passes) and once under a new one (its producer, S3 say, sent it twice),
 * shuffled, cut into batches of 1 to 10 and handed to several handler instances at once. What a handler reports
 * failed is delivered again in the next round, as SQS would, up to a bound past which the test fails.
 *
 * @param <M> the queue's message type
 */
public final class AtLeastOnce<M> {
    /** A handler instance: takes a batch, answers the ids of the messages it failed. */
    public interface Instance<M> {
        Set<String> handle(List<M> batch) throws Exception;
    }

    private static final int MAX_DELIVERIES = 12;
    private final Function<M, String> idOf;
    private final UnaryOperator<M> withNewId;
    private final int instances;
    private final Supplier<Instance<M>> newInstance;

    public AtLeastOnce(Function<M, String> idOf, UnaryOperator<M> withNewId, int instances,
                       Supplier<Instance<M>> newInstance) {
        this.idOf = idOf;
        this.withNewId = withNewId;
        this.instances = instances;
        this.newInstance = newInstance;
    }

    /**
     * SQS delivering to Lambda handlers: messages are told apart by their id, a producer's duplicate is a copy under
     * a new id, and each instance is a handler from {@code newHandler} answering a batch with its
     * {@code batchItemFailures}.
     */
    public static AtLeastOnce<SQSMessage> sqs(JsonMapper json, int instances,
                                              Supplier<? extends RequestStreamHandler> newHandler) {
        return new AtLeastOnce<>(SQSMessage::getMessageId, m -> {
            try {
                SQSMessage copy = json.readValue(json.writeValueAsBytes(m), SQSMessage.class);
                copy.setMessageId(UUID.randomUUID().toString());
                return copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, instances, () -> {
            RequestStreamHandler handler = newHandler.get();
            return batch -> {
                var event = new SQSEvent();
                event.setRecords(batch);
                var out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, null);
                @SuppressWarnings("unchecked")
                List<Map<String, String>> failures = (List<Map<String, String>>) json.readValue(out.toByteArray(),
                        Map.class).get("batchItemFailures");
                return failures.stream().map(f -> f.get("itemIdentifier")).collect(Collectors.toSet());
            };
        });
    }

    /** Delivers each of {@code messages} three times as above, in an order {@code random} decides; answers how many deliveries were made. */
    public int deliver(List<M> messages, Random random) throws Exception {
        List<M> pending = new ArrayList<>();
        for (M m : messages) {
            pending.add(m);
            pending.add(m);
            pending.add(withNewId.apply(m));
        }
        Map<String, Integer> received = new HashMap<>();
        ThreadLocal<Instance<M>> handlers = ThreadLocal.withInitial(newInstance);
        int delivered = 0;
        try (var pool = Executors.newFixedThreadPool(instances)) {
            while (!pending.isEmpty()) {
                Collections.shuffle(pending, random);
                List<Callable<List<M>>> batches = new ArrayList<>();
                for (int from = 0; from < pending.size(); ) {
                    List<M> batch = List.copyOf(pending.subList(from,
                            Math.min(pending.size(), from + 1 + random.nextInt(10))));
                    from += batch.size();
                    batches.add(() -> failedOf(batch, handlers.get().handle(batch)));
                }
                delivered += pending.size();
                pending.forEach(m -> received.merge(idOf.apply(m), 1, Integer::sum));
                pending = new ArrayList<>();
                for (Future<List<M>> failed : pool.invokeAll(batches)) {
                    pending.addAll(failed.get());
                }
                for (M m : pending) {
                    if (received.get(idOf.apply(m)) > MAX_DELIVERIES) {
                        fail("still failing after " + MAX_DELIVERIES + " deliveries: " + m);
                    }
                }
            }
        }
        return delivered;
    }

    /** The batch's messages the answer names, each entry once even where the batch holds one message twice. */
    private List<M> failedOf(List<M> batch, Set<String> failedIds) {
        var ids = new java.util.HashSet<>(failedIds);
        List<M> failed = new ArrayList<>();
        for (M m : batch) {
            if (ids.remove(idOf.apply(m))) {
                failed.add(m);
            }
        }
        return failed;
    }
}
