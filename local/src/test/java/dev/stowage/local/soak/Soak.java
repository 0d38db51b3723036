package dev.stowage.local.soak;

import dev.stowage.domain.ops.RuntimeStatus;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.storage.CheckInvariants;
import dev.stowage.local.DevTokens;
import dev.stowage.local.LocalStack;
import dev.stowage.testkit.TestStack;
import dev.stowage.testkit.faults.Fault;
import dev.stowage.testkit.faults.FaultProxy;
import dev.stowage.testkit.faults.When;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 12's soak: the whole local stack (API, S3 event front, variant and export workers, the purger on its
 * schedule) on a database and bucket of its own, with a fault proxy before PostgreSQL and one before the S3 front,
 * under mixed load from several clients ({@link Workload}: uploads of every strategy, cancels, abandoned sessions,
 * attaches and detaches, deliveries, exports, staged files) while faults are injected at random at a low rate.
 * Heap after a full collection and the database's connections are sampled as it runs. When the time is up the load
 * stops, the faults are healed, the work in flight drains (leases run out, the purger resumes what a fault left),
 * and {@link CheckInvariants} judges the end state.
 *
 * <p>{@code SoakTest} runs it for seconds in every build; {@code bench/run.sh soak} for twenty minutes or more.
 */
public final class Soak implements AutoCloseable {
    private static final String SECRET = "soak-secret-that-is-at-least-32-bytes-long";

    /**
     * @param duration   how long the load runs
     * @param clients    concurrent clients
     * @param faultEvery one fault is armed (fires at the next matching request) per this interval on average
     * @param purgeEvery the purger's schedule
     * @param lease      the verification, variant and export leases (how long work a fault interrupted waits); a
     *                   fifth of it is the purger's grace for detached assets
     * @param drainLimit how long the work in flight may take to finish once the load stopped
     * @param sampleEvery heap and connections are sampled this often
     * @param seed       the random choices of operations and faults
     */
    public record Settings(Duration duration, int clients, Duration faultEvery, Duration purgeEvery, Duration lease,
                           Duration drainLimit, Duration sampleEvery, long seed) {}

    /** One sample: heap used after a full collection, the database's connections, the proxies' open ones. */
    public record Sample(Duration at, long heapBytes, int databaseConnections, int storageConnections) {}

    /**
     * What the soak did and found: operations and answers counted by the workload, faults armed and fired, samples,
     * how long the drain took (empty: it did not finish within the limit), and the invariant check's verdict.
     */
    public record Result(Settings settings, Duration loaded, Workload.Tally load, Map<String, Integer> faultsArmed,
                         int faultsFired,
                         List<Sample> samples, Optional<Duration> drained, Map<String, Long> inFlightAtEnd,
                         CheckInvariants.Verdict verdict) {

        /** The heap after a full collection: the first sample after the warm-up (a quarter in), and the last. */
        public long heapAfterWarmUp() {
            return samples.stream().filter(s -> s.at().compareTo(loaded.dividedBy(4)) >= 0).findFirst()
                    .orElse(samples.getLast()).heapBytes();
        }

        /** Mean heap after a full collection over the {@code quarter}th quarter (0-3) of the load. */
        double meanHeap(int quarter) {
            Duration from = loaded.dividedBy(4).multipliedBy(quarter);
            Duration to = loaded.dividedBy(4).multipliedBy(quarter + 1);
            return samples.stream().filter(s -> s.at().compareTo(from) >= 0 && s.at().compareTo(to) <= 0)
                    .mapToLong(Sample::heapBytes).average().orElse(Double.NaN);
        }

        public int maxDatabaseConnections() {
            return samples.stream().mapToInt(Sample::databaseConnections).max().orElse(0);
        }

        /** The result as the markdown bench/README.md quotes. */
        public String markdown() {
            StringBuilder md = new StringBuilder();
            long ops = load.operations().values().stream().mapToLong(Long::longValue).sum();
            md.append("| figure | value |\n|---|---|\n");
            row(md, "load", "%s of %d clients, %d operations (%s)".formatted(loaded, settings.clients(), ops,
                    load.operations()));
            row(md, "unexpected answers", "%d 5xx (other than 503), %d other %s".formatted(load.unexpected5xx(),
                    load.unexpectedOther(), load.examples()));
            row(md, "faults", "%d armed, %d fired: %s".formatted(faultsArmed.values().stream()
                    .mapToInt(Integer::intValue).sum(), faultsFired, faultsArmed));
            row(md, "drain", drained.map(d -> d.toMillis() + " ms").orElse("not within " + settings.drainLimit()
                    + ", still in flight: " + inFlightAtEnd));
            row(md, "objects checked", "%d (%s); rows %s".formatted(verdict.objectCount(), verdict.objects(),
                    verdict.rows()));
            row(md, "invariant violations", "%d %s %s".formatted(verdict.violationCount(), verdict.violations(),
                    verdict.examples()));
            row(md, "residue (not a violation)", Long.toString(verdict.residue()));
            row(md, "heap after full GC, MiB", ("%.1f after warm-up, %.1f at the end, %.1f max; mean %.1f over the"
                    + " second quarter of the load, %.1f over the last").formatted(mib(heapAfterWarmUp()),
                    mib(samples.getLast().heapBytes()), mib(samples.stream().mapToLong(Sample::heapBytes).max()
                            .orElse(0)), mib(meanHeap(1)), mib(meanHeap(3))));
            row(md, "database connections", "%d at start, %d at the end, %d max".formatted(
                    samples.getFirst().databaseConnections(), samples.getLast().databaseConnections(),
                    maxDatabaseConnections()));
            row(md, "storage connections open (proxy)", "%d at the end, %d max".formatted(
                    samples.getLast().storageConnections(),
                    samples.stream().mapToInt(Sample::storageConnections).max().orElse(0)));
            return md.toString();
        }

        private static void row(StringBuilder md, String figure, String value) {
            md.append("| ").append(figure).append(" | ").append(value.replace("|", "/")).append(" |\n");
        }

        private static double mib(double bytes) {
            return bytes / (1024.0 * 1024.0);
        }
    }

    private final Settings settings;
    private final TestStack.Isolated servers;
    private final LocalStack stack;
    private final FaultProxy database;
    private final FaultProxy front;

    private Soak(Settings settings, TestStack.Isolated servers, LocalStack stack, FaultProxy database,
                 FaultProxy front) {
        this.settings = settings;
        this.servers = servers;
        this.stack = stack;
        this.database = database;
        this.front = front;
    }

    /** The stack on a database and bucket of its own, behind the two fault proxies, with short leases. */
    public static Soak start(Settings settings) {
        TestStack.Isolated servers = TestStack.get().isolated();
        FaultProxy database = FaultProxy.toJdbc(servers.postgres().jdbcUrl());
        List<FaultProxy> storage = new CopyOnWriteArrayList<>();
        try {
            LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), SECRET,
                    settings.purgeEvery()), servers.postgres(), servers.s3(), p -> {
                        String url = database.throughJdbc((String) p.get("datasources.default.url"));
                        // Every statement's SQL on the wire, where the fault rules match it.
                        p.put("datasources.default.url", url + (url.contains("?") ? "&" : "?")
                                + "prepareThreshold=0&connectTimeout=2&socketTimeout=10");
                        p.put("datasources.default.connection-timeout", 5_000);
                        URI s3 = URI.create((String) p.get("stowage.storage.endpoint"));
                        FaultProxy front = FaultProxy.to(s3);
                        storage.add(front);
                        p.put("stowage.storage.endpoint", front.through(s3).toString());
                        String lease = settings.lease().toMillis() + "ms";
                        p.put("stowage.lifecycle.lease", lease);
                        p.put("stowage.variants.lease", lease);
                        // An export's lease may not be shorter than a minute (ExportSettings).
                        p.put("stowage.exports.pending-lease", settings.lease().compareTo(Duration.ofMinutes(1)) < 0
                                ? "1m" : lease);
                        p.put("stowage.exports.requeue-after", lease);
                        // A variant whose claim a fault left held (its answer lost and the hand-back failed too, or
                        // its worker gone) waits for the purger to send it again once its lease is out: after a
                        // lease here, not ten minutes, which outlasted the 10-minute soak's drain.
                        p.put("stowage.variants.starved-after", lease);
                        p.put("stowage.lifecycle.complete-wait", "2s");
                        // Replaced and detached assets are purged after a fifth of a lease, not five minutes:
                        // the soak purges what its attaches let go of.
                        p.put("stowage.purge.detached-grace", settings.lease().dividedBy(5).toMillis() + "ms");
                        // Uploads nobody attached are purged after a minute (the shortest grace allowed), not a
                        // day: a soak of minutes races attaches of older uploads against that purge.
                        p.put("stowage.purge.unattached-grace", "1m");
                        // Exports over 1 KiB go to storage (the rest stay in their row): both kinds are checked.
                        p.put("stowage.exports.inline-max-bytes", "1KB");
                        return p;
                    });
            return new Soak(settings, servers, stack, database, storage.getFirst());
        } catch (RuntimeException e) {
            database.close();
            storage.forEach(FaultProxy::close);
            throw e;
        }
    }

    /** A plain connection to the soak's database, past the proxy. */
    public Connection connect() {
        try {
            return DriverManager.getConnection(servers.postgres().jdbcUrl(), servers.postgres().username(),
                    servers.postgres().password());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stack's object store (through the healed proxy). */
    public ObjectStore store() {
        return stack.context().getBean(ObjectStore.class);
    }

    /** The invariant check over the soak's database and bucket, built from the stack's own ports. */
    public CheckInvariants.Verdict check() {
        return check(1000);
    }

    /** The same, reading {@code page} objects and rows per step. */
    public CheckInvariants.Verdict check(int page) {
        var context = stack.context();
        return new CheckInvariants(context.getBean(StorageDrift.class), context.getBean(ObjectStore.class),
                context.getBean(RuntimeStatus.class), Clock.systemUTC(), page).check(Duration.ZERO);
    }

    @Override
    public void close() {
        try (database; front) {
            stack.close();
        }
    }

    /** The load for the settings' duration, the drain, and the check. */
    public Result run() throws Exception {
        Random random = new Random(settings.seed());
        String token = DevTokens.mint(SECRET, "soak-" + Long.toHexString(settings.seed()), Duration.ofHours(12));
        Workload workload = new Workload(stack.apiUrl(), token);
        long started = System.nanoTime();
        List<Sample> samples = new CopyOnWriteArrayList<>();
        samples.add(sample(Duration.ZERO));
        AtomicBoolean stop = new AtomicBoolean();
        Faults faults = new Faults(database, front, new Random(random.nextLong()));
        ExecutorService threads = Executors.newFixedThreadPool(settings.clients());
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < settings.clients(); i++) {
            long clientSeed = random.nextLong();
            int first = i;
            running.add(threads.submit(() -> workload.client(new Random(clientSeed), first, stop)));
        }
        // The first fault is one every workload meets at once: an UPDATE that never reaches the server.
        faults.arm("database: update lost before the server", database, When.containing("UPDATE"),
                Fault.resetAfter(Fault.Direction.TO_TARGET, 0));
        long deadline = started + settings.duration().toNanos();
        long nextSample = started + settings.sampleEvery().toNanos();
        long nextFault = started + faults.nextInterval(settings.faultEvery());
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (now >= nextFault) {
                faults.armOne();
                nextFault = now + faults.nextInterval(settings.faultEvery());
            }
            if (now >= nextSample) {
                samples.add(sample(Duration.ofNanos(now - started)));
                nextSample = now + settings.sampleEvery().toNanos();
            }
            // The soak's own clock: wake at the next fault, sample or the end.
            TimeUnit.NANOSECONDS.sleep(Math.max(1, Math.min(Math.min(nextFault, nextSample), deadline)
                    - System.nanoTime()));
        }
        stop.set(true);
        for (Future<?> f : running) {
            f.get(5, TimeUnit.MINUTES);
        }
        threads.shutdown();
        Duration loaded = Duration.ofNanos(System.nanoTime() - started);
        int fired = faults.fired();
        database.heal();
        front.heal();

        // The drain: what a fault interrupted waits out its lease; the purger (on its schedule) resumes sessions,
        // the queues redeliver, variants and exports finish.
        long drainStart = System.nanoTime();
        Optional<Duration> drained = Optional.empty();
        Map<String, Long> inFlight = inFlight();
        while (System.nanoTime() - drainStart < settings.drainLimit().toNanos()) {
            inFlight = inFlight();
            if (inFlight.values().stream().allMatch(n -> n == 0)) {
                drained = Optional.of(Duration.ofNanos(System.nanoTime() - drainStart));
                break;
            }
            Thread.sleep(250); // polls the backlog; the loop ends on the rows, not on a guess of time
        }
        samples.add(sample(Duration.ofNanos(System.nanoTime() - started)));
        return new Result(settings, loaded, workload.tally(), faults.armed(), fired, List.copyOf(samples), drained,
                inFlight, check());
    }

    /**
     * Rows in a state some worker, lease or schedule still has to move on, detached assets the purger has to
     * delete after their grace included: the drain waits for none.
     */
    private Map<String, Long> inFlight() {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT (SELECT count(*) FROM upload_sessions WHERE state IN ('uploaded', 'verifying')),
                       (SELECT count(*) FROM assets WHERE state IN ('validating', 'analyzing', 'promoting',
                           'available', 'processing')),
                       (SELECT count(*) FROM variants WHERE state IN ('planned', 'queued', 'processing')),
                       (SELECT count(*) FROM exports WHERE state = 'pending'),
                       (SELECT count(*) FROM staged_files WHERE state = 'pending'),
                       (SELECT count(*) FROM assets WHERE detached_at IS NOT NULL
                           AND state IN ('available', 'processing', 'ready', 'degraded', 'quarantined')),
                       (SELECT count(*) FROM assets WHERE state = 'deleted')""")) {
            r.next();
            return Map.of("sessions", r.getLong(1), "assets", r.getLong(2), "variants", r.getLong(3),
                    "exports", r.getLong(4), "stagedFiles", r.getLong(5), "detachedAssets", r.getLong(6),
                    "deletedAssets", r.getLong(7));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Sample sample(Duration at) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int connections;
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            r.next();
            connections = r.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Sample(at, heap, connections, front.openConnections());
    }

    /** The faults armed at random: each fires once, at the next request or statement it matches. */
    static final class Faults {
        private final FaultProxy database;
        private final FaultProxy storage;
        private final Random random;
        private final List<FaultProxy.Rule> rules = new ArrayList<>();
        private final Map<String, Integer> armed = new java.util.TreeMap<>();

        Faults(FaultProxy database, FaultProxy storage, Random random) {
            this.database = database;
            this.storage = storage;
            this.random = random;
        }

        long nextInterval(Duration every) {
            // Exponential gaps: faults arrive as a Poisson process at the given mean rate.
            return (long) (-Math.log(1 - random.nextDouble()) * every.toNanos());
        }

        void armOne() {
            String statement = List.of("INSERT", "UPDATE", "SELECT", "DELETE").get(random.nextInt(4));
            String method = List.of("PUT", "GET", "HEAD", "POST", "DELETE").get(random.nextInt(5));
            switch (random.nextInt(7)) {
                case 0 -> arm("database: " + statement + " lost before the server", database,
                        When.containing(statement), Fault.resetAfter(Fault.Direction.TO_TARGET, 0));
                case 1 -> arm("database: " + statement + " done, its answer lost", database,
                        When.containing(statement), Fault.resetAfter(Fault.Direction.TO_CLIENT, 0));
                case 2 -> arm("database: next connection refused", database, When.nextConnection(), Fault.refuse());
                case 3 -> arm("storage: " + method + " 503 SlowDown", storage, When.httpRequest(method, "/"),
                        Fault.s3SlowDown());
                case 4 -> arm("storage: " + method + " 500", storage, When.httpRequest(method, "/"),
                        Fault.s3InternalError());
                case 5 -> arm("storage: " + method + " reset mid-answer", storage, When.httpRequest(method, "/"),
                        Fault.resetAfter(Fault.Direction.TO_CLIENT, 200));
                default -> arm("storage: " + method + " delayed 1.5 s", storage, When.httpRequest(method, "/"),
                        Fault.delay(Duration.ofMillis(1500)));
            }
        }

        void arm(String what, FaultProxy proxy, When when, Fault fault) {
            rules.add(proxy.inject(when, fault, 1));
            armed.merge(what.toLowerCase(Locale.ROOT), 1, Integer::sum);
        }

        int fired() {
            return rules.stream().mapToInt(FaultProxy.Rule::fired).sum();
        }

        Map<String, Integer> armed() {
            return Map.copyOf(armed);
        }
    }
}
