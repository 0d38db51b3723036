package dev.stowage.bench;

import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.local.DevTokens;
import dev.stowage.local.LocalStack;
import dev.stowage.testkit.TestMedia;
import io.micronaut.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 8: throughput of the local variant worker. N images are uploaded through the real API path (initiate,
 * presigned PUT; the S3 event promotes, and promotion queues the {@code image} profile's two variants on the local
 * work queue), then {@code GET /v1/assets/{id}} is polled until every asset is {@code ready}. Beside it, in the same
 * run, the same 2N renders by the same renderer object in a plain loop in this JVM (no queue, no database, no S3):
 * worker / direct is the pipeline's overhead.
 *
 * <p>System properties: {@code bench.uploads} (100), {@code bench.uploaders} (4 concurrent uploading clients),
 * {@code bench.pollMillis} (100), {@code bench.warmupUploads} (10, uploaded and waited for before each measured
 * batch), {@code bench.workDir}.
 */
public final class WorkerBench {
    private static final JsonMapper JSON = JsonMapper.createDefault();
    /** Asset states from which {@code ready} can no longer be reached in this run. */
    private static final Set<String> DEAD_ENDS = Set.of("degraded", "quarantined", "deleted");

    private WorkerBench() {}

    /** One measured batch through the worker. */
    private record WorkerRun(int assets, double firstPutToReady, double lastPutToReady, double uploadSeconds,
                             double dbFirstQueuedToLastReady, int maxProcessing, double cpuMsPerVariant,
                             String uploadSteps, int backlogAtLastPut) {}

    /** The same renders in this JVM. */
    private record DirectRun(int renders, double seconds, double cpuMsPerVariant) {}

    public static void main(String[] args) throws Exception {
        int uploads = Integer.getInteger("bench.uploads", 100);
        int uploaders = Integer.getInteger("bench.uploaders", 4);
        int warmupUploads = Integer.getInteger("bench.warmupUploads", 10);
        Duration poll = Duration.ofMillis(Integer.getInteger("bench.pollMillis", 100));
        Path work = Path.of(System.getProperty("bench.workDir", "bench/target/worker"));
        Files.createDirectories(work);
        Path photo = work.resolve("photo-4000x3000.jpg");
        RenderBench.writeJpeg(RenderBench.photoLike(4000, 3000, 1), photo, 0.90f);
        Map<String, byte[]> sources = new LinkedHashMap<>();
        sources.put("`landscape.jpg` 1200×800 (test kit)", TestMedia.bytes("landscape.jpg"));
        sources.put("generated photo 4000×3000 (12 MP, q90)", Files.readAllBytes(photo));
        String secret = "stowage-bench-" + UUID.randomUUID(); // HS256 wants at least 32 bytes

        System.err.println("[worker] starting the local stack");
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            String jdbcUrl = stack.describe().get("database");
            Load.alsoCounted = LifecycleBench.postmaster(jdbcUrl);
            // The worker's own renderer object: the stack runs in this JVM, so this is what renders its messages.
            VariantRenderer renderer = stack.context().getBean(VariantRenderer.class);
            List<VariantSpec> specs = stack.context().getBean(Profiles.class).find("image").map(Profile::variants)
                    .orElseThrow();
            System.err.println("[worker] API " + stack.apiUrl() + ", renderer " + renderer.name() + ", variants "
                    + specs.stream().map(VariantSpec::name).toList());
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "Worker throughput, %s; %d uploads per batch by %d clients, "
                            + "polling every %d ms after %d warm-up uploads; renderer: **%s**; %d cores; load average "
                            + "before %s%n%n", LocalDate.now(), uploads, uploaders, poll.toMillis(), warmupUploads,
                    renderer.name(), Runtime.getRuntime().availableProcessors(), ColdStartBench.loadAverage()));
            out.append("| Source | Variants/s via worker (first PUT → all ready) | Assets/s | "
                    + "DB: first queued → last ready | Upload phase | Direct renders/s, 1 thread | Worker / direct "
                    + "| Direct renders/s, " + Runtime.getRuntime().availableProcessors() + " threads "
                    + "| Max variants processing at once | CPU ms per variant, worker / direct |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            StringBuilder notes = new StringBuilder();
            try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
                int batch = 0;
                for (var source : sources.entrySet()) {
                    byte[] bytes = source.getValue();
                    StowageClient client = new StowageClient(stack.apiUrl(), bytes, "bench-" + bytes.length + ".jpg",
                            subject -> DevTokens.mint(secret, subject, Duration.ofHours(2)));
                    System.err.printf("[worker] %s: warm-up, %d uploads and %d direct renders%n", source.getKey(),
                            warmupUploads, warmupUploads * specs.size());
                    worker(client, db, warmupUploads, uploaders, poll, specs.size(), "warm-up-" + batch);
                    direct(renderer, bytes, specs, warmupUploads, 1);
                    System.err.printf("[worker] %s: %d uploads through the worker%n", source.getKey(), uploads);
                    WorkerRun w = worker(client, db, uploads, uploaders, poll, specs.size(), "batch-" + batch);
                    System.err.printf(Locale.ROOT, "[worker]   %s%n", w);
                    DirectRun d1 = direct(renderer, bytes, specs, uploads, 1);
                    System.err.printf(Locale.ROOT, "[worker]   direct, 1 thread: %s%n", d1);
                    int cores = Runtime.getRuntime().availableProcessors();
                    DirectRun dn = direct(renderer, bytes, specs, uploads, cores);
                    System.err.printf(Locale.ROOT, "[worker]   direct, %d threads: %s%n", cores, dn);
                    int variants = uploads * specs.size();
                    double workerRate = variants / w.firstPutToReady();
                    double directRate = d1.renders() / d1.seconds();
                    out.append(String.format(Locale.ROOT, "| %s, %,d bytes | **%.1f** (%.2f s) | %.1f "
                                    + "| %.1f/s (%.2f s) | %.2f s | **%.1f** (%.2f s) | **%.2f×** slower | %.1f | %d "
                                    + "| %.0f / %.0f |%n",
                            source.getKey(), bytes.length, workerRate, w.firstPutToReady(), w.assets() / w.firstPutToReady(),
                            variants / w.dbFirstQueuedToLastReady(), w.dbFirstQueuedToLastReady(), w.uploadSeconds(),
                            directRate, d1.seconds(), directRate / workerRate, dn.renders() / dn.seconds(),
                            w.maxProcessing(), w.cpuMsPerVariant(), d1.cpuMsPerVariant()));
                    notes.append("- ").append(source.getKey()).append(": upload steps, median / p95 ms: ")
                            .append(w.uploadSteps()).append("; at the last PUT ").append(w.backlogAtLastPut())
                            .append(" of ").append(variants).append(" variants were not ready yet, and all were ready ")
                            .append(String.format(Locale.ROOT, "%.2f s later (%.1f/s)", w.lastPutToReady(),
                                    w.backlogAtLastPut() / w.lastPutToReady())).append('\n');
                    batch++;
                }
            }
            out.append('\n').append(notes);
            out.append("\nLoad average after: ").append(ColdStartBench.loadAverage()).append('\n');
            System.out.println(out);
        }
        System.exit(0);
    }

    /**
     * Uploads {@code count} images with {@code uploaders} clients and waits until every asset is ready. Times are taken
     * when each PUT is answered (the S3 front has sent the event by then) and when a poll first sees the last asset
     * ready; the database's own timestamps (variants' {@code queued_at}, assets' {@code updated_at} when they became
     * ready) give the same window without the client's view.
     */
    private static WorkerRun worker(StowageClient client, Connection db, int count, int uploaders, Duration poll,
                                    int variantsPerAsset, String subject) throws Exception {
        String bearer = client.bearer(subject);
        ConcurrentLinkedQueue<String> staged = new ConcurrentLinkedQueue<>();
        Map<String, ConcurrentLinkedQueue<Long>> steps = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong firstPut = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastPut = new AtomicLong();
        AtomicLong lastPutWallMillis = new AtomicLong();
        long cpuFrom = Load.cpuMillis();
        long uploadFrom = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(uploaders);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < uploaders; c++) {
            clients.add(pool.submit(() -> {
                Load.Laps laps = new Load.Laps();
                while (next.getAndIncrement() < count) {
                    String id = client.stage(bearer, laps);
                    laps.steps().forEach((step, nanos) ->
                            steps.computeIfAbsent(step, k -> new ConcurrentLinkedQueue<>()).add(nanos / 1_000_000));
                    long now = System.nanoTime();
                    firstPut.accumulateAndGet(now, Math::min);
                    lastPut.accumulateAndGet(now, Math::max);
                    lastPutWallMillis.accumulateAndGet(System.currentTimeMillis(), Math::max);
                    staged.add(id);
                }
                return null;
            }));
        }
        // Poll while uploading: in upload order, and only up to the first asset not ready yet, so a sweep costs one
        // GET plus one per asset that finished since the last sweep, not one per asset.
        List<String> pending = new ArrayList<>();
        List<String> all = new ArrayList<>();
        int maxProcessing = 0;
        long done;
        while (true) {
            for (String id; (id = staged.poll()) != null; ) {
                pending.add(id);
                all.add(id);
            }
            while (!pending.isEmpty()) {
                String state = state(client.asset(bearer, pending.getFirst()));
                if (DEAD_ENDS.contains(state)) {
                    throw new IllegalStateException("asset " + pending.getFirst() + " is " + state
                            + "; a variant failed (see the runner log)");
                }
                if (!state.equals("ready")) {
                    break;
                }
                pending.removeFirst();
            }
            boolean uploading = clients.stream().anyMatch(f -> !f.isDone());
            if (!uploading && staged.isEmpty() && pending.isEmpty()) {
                done = System.nanoTime();
                break;
            }
            maxProcessing = Math.max(maxProcessing, processing(db));
            Thread.sleep(poll);
        }
        long cpu = Load.cpuMillis() - cpuFrom;
        pool.shutdown();
        for (Future<?> f : clients) {
            f.get(); // an upload that failed fails the run
        }
        if (all.size() != count) {
            throw new IllegalStateException("uploaded " + all.size() + " of " + count);
        }
        double dbWindow = dbWindow(db, all, variantsPerAsset);
        int backlog = count * variantsPerAsset - readyBy(db, all, Instant.ofEpochMilli(lastPutWallMillis.get()));
        return new WorkerRun(count, (done - firstPut.get()) / 1e9, (done - lastPut.get()) / 1e9,
                (lastPut.get() - uploadFrom) / 1e9, dbWindow, maxProcessing,
                (double) cpu / (count * variantsPerAsset), medians(steps), backlog);
    }

    /** "initiate 12 / 30, sign …": median / p95 ms per upload step, in step order. */
    private static String medians(Map<String, ConcurrentLinkedQueue<Long>> steps) {
        StringBuilder s = new StringBuilder();
        for (String step : List.of("initiate", "sign", "put")) {
            long[] ms = steps.getOrDefault(step, new ConcurrentLinkedQueue<>()).stream().mapToLong(Long::longValue)
                    .sorted().toArray();
            if (ms.length > 0) {
                s.append(s.isEmpty() ? "" : ", ").append(step).append(' ').append(ms[ms.length / 2]).append(" / ")
                        .append(ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)]);
            }
        }
        return s.toString();
    }

    private static String state(String assetJson) throws Exception {
        Object state = JSON.readValue(assetJson, Map.class).get("state");
        if (state == null) {
            throw new IllegalStateException("no state in " + assetJson);
        }
        return state.toString();
    }

    /** Variants being rendered right now, in the whole database: the worker's concurrency, sampled. */
    private static int processing(Connection db) throws Exception {
        try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM variants WHERE state = 'processing'");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    /** Seconds from the first variant queued (the first promotion) to the last asset turning ready, by the database's clock. */
    private static double dbWindow(Connection db, List<String> assetIds, int variantsPerAsset) throws Exception {
        try (PreparedStatement s = db.prepareStatement("""
                SELECT (SELECT min(queued_at) FROM variants WHERE asset_id = ANY(?)),
                       (SELECT max(updated_at) FROM assets WHERE id = ANY(?) AND state = 'ready'),
                       (SELECT count(*) FROM variants WHERE asset_id = ANY(?) AND state = 'ready')""")) {
            UUID[] ids = assetIds.stream().map(UUID::fromString).toArray(UUID[]::new);
            for (int i = 1; i <= 3; i++) {
                s.setArray(i, db.createArrayOf("uuid", ids));
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Instant from = r.getTimestamp(1).toInstant();
                Instant to = r.getTimestamp(2).toInstant();
                long ready = r.getLong(3);
                if (ready != (long) assetIds.size() * variantsPerAsset) {
                    throw new IllegalStateException(ready + " variants ready, expected "
                            + assetIds.size() * variantsPerAsset);
                }
                return Duration.between(from, to).toNanos() / 1e9;
            }
        }
    }

    /** Variants of these assets that were ready at {@code when} (the database and this JVM share the machine's clock). */
    private static int readyBy(Connection db, List<String> assetIds, Instant when) throws Exception {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT count(*) FROM variants WHERE asset_id = ANY(?) AND state = 'ready' AND updated_at <= ?")) {
            s.setArray(1, db.createArrayOf("uuid", assetIds.stream().map(UUID::fromString).toArray(UUID[]::new)));
            s.setTimestamp(2, java.sql.Timestamp.from(when));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** {@code count} × every spec, rendered from the bytes in memory by {@code threads} threads. */
    private static DirectRun direct(VariantRenderer renderer, byte[] source, List<VariantSpec> specs, int count,
                                    int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long cpuFrom = Load.cpuMillis();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                loops.add(pool.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        for (VariantSpec spec : specs) {
                            renderer.render(source, spec);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : loops) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int renders = count * specs.size();
        return new DirectRun(renders, seconds, (double) (Load.cpuMillis() - cpuFrom) / renders);
    }
}
