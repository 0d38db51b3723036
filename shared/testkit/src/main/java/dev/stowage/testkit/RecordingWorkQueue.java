package dev.stowage.testkit;

import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.variant.VariantJob;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * The work queues in tests: it keeps what was sent until a test takes it ({@link #drain()} for variant
 * work, {@link #drainExports()} for export jobs) and delivers it to the worker's handler itself, as SQS
 * would, as often and in whatever order the test wants. It can be told to refuse sends, as SQS does when
 * it is unreachable.
 */
@Singleton
@Requires(property = "stowage.variants.queue", value = "recording")
public class RecordingWorkQueue implements WorkQueue {
    private final List<VariantJob> sent = new ArrayList<>();
    private final List<ExportJob> exportsSent = new ArrayList<>();
    private int refusals;

    @Override
    public synchronized void enqueue(List<VariantJob> jobs) {
        if (refusals > 0) {
            refusals--;
            throw new IllegalStateException("the test's queue refuses this send");
        }
        sent.addAll(jobs);
    }

    @Override
    public synchronized void enqueueExport(ExportJob job) {
        if (refusals > 0) {
            refusals--;
            throw new IllegalStateException("the test's queue refuses this send");
        }
        exportsSent.add(job);
    }

    /** Every export job sent since the last drain of them, in order; none are kept afterwards. */
    public synchronized List<ExportJob> drainExports() {
        List<ExportJob> out = List.copyOf(exportsSent);
        exportsSent.clear();
        return out;
    }

    /** Everything sent since the last drain, in order; the queue is empty afterwards. */
    public synchronized List<VariantJob> drain() {
        List<VariantJob> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    /** The next {@code count} sends throw. */
    public synchronized void refuseNext(int count) {
        refusals = count;
    }
}
