package dev.stowage.domain.port;

import dev.stowage.domain.variant.VariantJob;
import java.util.List;

/**
 * Background work: on AWS an SQS queue that the variant-worker function consumes, locally an in-process
 * queue with the same at-least-once delivery. A message is a hint, never the truth: the variant row says
 * what is to be done, so a lost message is found by the purger and a duplicate changes nothing.
 */
public interface WorkQueue {

    /** Sends one message per job; throws if any could not be sent (the caller's rows stay queued). */
    void enqueue(List<VariantJob> jobs);
}
