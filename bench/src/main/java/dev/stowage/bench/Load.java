package dev.stowage.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Closed-loop load: N clients, each repeating one lifecycle as fast as it is answered. */
final class Load {

    /** A kind of lifecycle, and how to make one client for it. */
    interface Workload {
        String name();

        Client client(int index) throws Exception;
    }

    /** One client's lifecycle; it marks the end of each step on the {@link Laps} it is given. */
    interface Client {
        void lifecycle(Laps laps) throws Exception;

        /** Releases what the client holds (the floor's JDBC connection); called once the run is over. */
        default void close() throws Exception {}
    }

    /** Per-step timings of one lifecycle. */
    static final class Laps {
        private final Map<String, Long> laps = new LinkedHashMap<>();
        private long last;

        void start() {
            laps.clear();
            last = System.nanoTime();
        }

        void lap(String step) {
            long now = System.nanoTime();
            laps.merge(step, now - last, Long::sum);
            last = now;
        }

        /** Nanoseconds per step since {@link #start()}, in step order. */
        Map<String, Long> steps() {
            return new LinkedHashMap<>(laps);
        }
    }

    /**
     * What one run measured: lifecycles completed inside the measurement window, and the CPU time this JVM and
     * every process it started (PostgreSQL, s3proxy) used in that window, per lifecycle.
     */
    record Outcome(long count, double seconds, long p50, long p95, double cpuMsPerLifecycle, String note) {
        double perSecond() {
            return count / seconds;
        }
    }

    /** Processes besides this JVM's descendants whose CPU time counts (PostgreSQL daemonizes away from us). */
    static volatile List<ProcessHandle> alsoCounted = List.of();

    /** CPU time so far of this JVM, its descendants (s3proxy) and {@link #alsoCounted} with theirs, in ms. */
    static long cpuMillis() {
        List<ProcessHandle> roots = new ArrayList<>(alsoCounted);
        roots.add(ProcessHandle.current());
        long total = 0;
        for (ProcessHandle root : roots) {
            total += cpu(root);
            for (ProcessHandle p : root.descendants().toList()) {
                total += cpu(p);
            }
        }
        return total;
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    private Load() {}

    /** Runs the workload unmeasured: lets the JIT compile the steady-state code before the first round. */
    static void warm(Workload workload, int clients, Duration duration) throws Exception {
        if (!duration.isZero()) {
            run(workload, clients, duration, Duration.ofMillis(1), false);
        }
    }

    static Outcome run(Workload workload, int clients, Duration warmup, Duration measure) throws Exception {
        return run(workload, clients, warmup, measure, true);
    }

    private static Outcome run(Workload workload, int clients, Duration warmup, Duration measure, boolean measured)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + measure.toNanos();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(new Worker(workload.client(i), measureFrom, measureTo, stop, failure));
        }
        List<Thread> threads = workers.stream()
                .map(w -> Thread.ofPlatform().name(workload.name() + "-client").start(w)).toList();
        long cpuFrom = -1;
        long cpuTo = -1;
        while (System.nanoTime() < measureTo && failure.get() == null) {
            if (cpuFrom < 0 && System.nanoTime() >= measureFrom) {
                cpuFrom = cpuMillis();
            }
            Thread.sleep(20);
        }
        cpuTo = cpuMillis();
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
        for (Worker w : workers) {
            w.client.close();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(workload.name() + " failed; a benchmark that measures errors is "
                    + "worthless", failure.get());
        }
        if (!measured) {
            return null;
        }
        List<Long> latencies = new ArrayList<>();
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        long count = 0;
        for (Worker w : workers) {
            count += w.latencies.size();
            latencies.addAll(w.latencies);
            w.steps.forEach((step, values) -> steps.computeIfAbsent(step, k -> new ArrayList<>()).addAll(values));
        }
        if (count == 0) {
            throw new IllegalStateException(workload.name() + " completed no lifecycle in the measurement window");
        }
        latencies.sort(null);
        String note = steps.entrySet().stream()
                .map(e -> e.getKey() + " " + ms(percentile(e.getValue(), 50)))
                .collect(Collectors.joining(", "));
        String extra = workload instanceof StowageClient s ? s.drainNote() : "";
        return new Outcome(count, measure.toNanos() / 1e9, ms(percentile(latencies, 50)),
                ms(percentile(latencies, 95)), (double) (cpuTo - cpuFrom) / count,
                note + (extra.isEmpty() ? "" : "; " + extra));
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static final class Worker implements Runnable {
        final Client client;
        final long measureFrom;
        final long measureTo;
        final AtomicBoolean stop;
        final AtomicReference<Throwable> failure;
        final List<Long> latencies = new ArrayList<>();
        final Map<String, List<Long>> steps = new LinkedHashMap<>();

        Worker(Client client, long measureFrom, long measureTo, AtomicBoolean stop,
               AtomicReference<Throwable> failure) {
            this.client = client;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            this.stop = stop;
            this.failure = failure;
        }

        @Override
        public void run() {
            Laps laps = new Laps();
            try {
                while (!stop.get() && failure.get() == null) {
                    long began = System.nanoTime();
                    laps.start();
                    client.lifecycle(laps);
                    long ended = System.nanoTime();
                    // Counted when it ends inside the window; lifecycles straddling its start count too, which
                    // balances the ones cut off at its end.
                    if (ended >= measureFrom && ended <= measureTo) {
                        latencies.add(ended - began);
                        laps.laps.forEach((step, nanos) -> steps.computeIfAbsent(step, k -> new ArrayList<>())
                                .add(nanos));
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }
    }
}
