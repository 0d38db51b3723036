package dev.stowage.bench;

import java.lang.management.ManagementFactory;

/**
 * Milestones of one cold start, in wall-clock milliseconds, reported relative to the JVM's own start time.
 *
 * <p>The JVM start time is read only after the last milestone: loading the management classes costs tens of
 * milliseconds and must not land inside the measured interval.
 */
final class ProbeClock {
    static final String MARKER = "BENCH-COLDSTART";

    private final long main = System.currentTimeMillis();
    private long ready;
    private long first;
    private long second;

    void ready() {
        ready = System.currentTimeMillis();
    }

    void first() {
        first = System.currentTimeMillis();
    }

    void second() {
        second = System.currentTimeMillis();
    }

    /**
     * One line the runner parses: every milestone since JVM start, in ms, and the CPU time all threads of the
     * process (interpreter, JIT compilers, GC) had used by then. On a Lambda with less than one vCPU the CPU time,
     * not the wall time on this machine, is what a cold start costs.
     */
    void report() {
        long cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println(MARKER + " main=" + (main - start) + " ready=" + (ready - start) + " first="
                + (first - start) + " total=" + (second - start) + " cpu=" + cpu);
        System.out.flush();
    }
}
