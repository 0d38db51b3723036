package dev.stowage.local;

import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.ExportMessage;
import dev.stowage.lambda.events.VariantMessage;
import io.micronaut.json.JsonMapper;
import java.util.List;

/**
 * The work queues of the local stack: each job becomes a message on a {@link LocalEventQueue}, which hands
 * it, in an SQS event, to the same handler the worker Lambda runs ({@code VariantWorkerHandler} for variant
 * work, {@code ExportWorkerHandler} for export jobs), in this JVM, and redelivers what fails as SQS would.
 * Nothing else differs from AWS.
 */
final class LocalWorkQueue implements WorkQueue {
    private final JsonMapper json;
    private final LocalEventQueue queue;
    private final LocalEventQueue exportQueue;

    LocalWorkQueue(JsonMapper json, LocalEventQueue queue, LocalEventQueue exportQueue) {
        this.json = json;
        this.queue = queue;
        this.exportQueue = exportQueue;
    }

    @Override
    public void enqueue(List<VariantJob> jobs) {
        jobs.forEach(job -> queue.send(VariantMessage.encode(json, job)));
    }

    @Override
    public void enqueueExport(ExportJob job) {
        exportQueue.send(ExportMessage.encode(json, job));
    }
}
