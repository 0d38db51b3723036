package dev.stowage.bench;

import dev.stowage.lambda.snapstart.PrimedApiFunction;

/**
 * SnapStart's restore, approximated in one process: construct the uploads function, run its runtime hook's
 * {@code beforeCheckpoint} (the synthetic requests, then the pool closed) and {@code afterRestore}, and only then
 * start the clock's "ready" and answer the same two requests as {@link ColdStartProbe}. The first answer's latency
 * after "ready" is what a primed snapshot's first request costs, with the JIT's work and every class it needs
 * already done; only the database connection is opened anew, as after a real restore.
 *
 * <p>Not measured: the restore itself (Lambda maps the snapshot's memory in) and anything that differs between
 * this process and a restored one. Depends only on the JDK and the uploads function's shaded jar.
 */
public final class PrimedColdStartProbe {
    private PrimedColdStartProbe() {}

    public static void main(String[] args) {
        ColdStart.measure(() -> ColdStartProbe.construct(ColdStartProbe.UPLOADS_FUNCTION), handler -> {
            var hook = ((PrimedApiFunction) handler).priming();
            try {
                hook.beforeCheckpoint(null);
                hook.afterRestore(null);
            } catch (Exception e) {
                throw new IllegalStateException("the SnapStart hook failed", e);
            }
        });
    }
}
