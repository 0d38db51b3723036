package dev.stowage.local;

import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.VariantMessage;
import io.micronaut.json.JsonMapper;
import java.util.List;

/**
 * The variant work queue of the local stack: each job becomes a message on a {@link LocalEventQueue},
 * which hands it, in an SQS event, to the same {@code VariantWorkerHandler} the variant-worker Lambda
 * runs, in this JVM, and redelivers what fails as SQS would. Nothing else differs from AWS.
 */
final class LocalWorkQueue implements WorkQueue {
    private final JsonMapper json;
    private final LocalEventQueue queue;

    LocalWorkQueue(JsonMapper json, LocalEventQueue queue) {
        this.json = json;
        this.queue = queue;
    }

    @Override
    public void enqueue(List<VariantJob> jobs) {
        jobs.forEach(job -> queue.send(VariantMessage.encode(json, job)));
    }
}
