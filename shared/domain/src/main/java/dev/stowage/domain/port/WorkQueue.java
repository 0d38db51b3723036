package dev.stowage.domain.port;

import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.variant.VariantJob;
import java.util.List;

/**
 * Background work: on AWS an SQS queue per kind of work (variants for the variant-worker function, exports
 * for the export-worker), locally in-process queues with the same at-least-once delivery. A message is a
 * hint, never the truth: the variant or export row says what is to be done, so a lost message is found by
 * the purger and a duplicate changes nothing.
 */
public interface WorkQueue {

    /** Sends one message per job; throws if any could not be sent (the caller's rows stay queued). */
    void enqueue(List<VariantJob> jobs);

    /** Sends one export job; throws if it could not be sent (the export stays queued for the purger). */
    void enqueueExport(ExportJob job);
}
