package dev.stowage.bench;

import dev.stowage.local.DevTokens;
import dev.stowage.local.LocalStack;
import dev.stowage.testkit.TestMedia;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warm lifecycle throughput with N concurrent clients, Stowage's whole local stack against a bare floor on the same
 * PostgreSQL and s3proxy, alternating the two in rounds so machine noise touches both.
 *
 * <p>Stowage lifecycle (over HTTP, bearer token): {@code POST /v1/uploads}, {@code POST /v1/uploads/{id}/url},
 * PUT the JPEG to the presigned URL with the returned headers, {@code POST /v1/uploads/{id}/complete}; one lifecycle
 * counts when complete answers 200 with the asset {@code available}. The floor does, per lifecycle, the same S3 PUT
 * and HEAD and three SQL statements directly with JDBC and the AWS SDK; see {@link Floor}.
 *
 * <p>System properties: {@code bench.clients} (8), {@code bench.prewarmSeconds} (30, once per side before the first
 * round), {@code bench.warmupSeconds} (10, before every measurement), {@code bench.measureSeconds} (30),
 * {@code bench.rounds} (2), {@code bench.workDir}.
 */
public final class LifecycleBench {
    private static final Pattern UPSTREAM = Pattern.compile("upstream (\\S+?)\\)");

    private LifecycleBench() {}

    public static void main(String[] args) throws Exception {
        int clients = Integer.getInteger("bench.clients", 8);
        Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 10));
        Duration measure = Duration.ofSeconds(Integer.getInteger("bench.measureSeconds", 30));
        int rounds = Integer.getInteger("bench.rounds", 2);
        Duration prewarm = Duration.ofSeconds(Integer.getInteger("bench.prewarmSeconds", 30));
        Path work = Path.of(System.getProperty("bench.workDir", "bench/target/lifecycle"));
        Files.createDirectories(work);
        // document (a PDF, no variants) by default: the floor renders nothing, so neither should the measured
        // stack in the background; image (the JPEG, two variants rendered per upload) is a knob away.
        String profile = System.getProperty("bench.profile", "document");
        String file = "image".equals(profile) ? "landscape.jpg" : "doc.pdf";
        String contentType = "image".equals(profile) ? "image/body" : "application/pdf";
        byte[] body = TestMedia.bytes(file);
        String secret = "stowage-bench-" + UUID.randomUUID(); // HS256 wants at least 32 bytes

        int exitCode = 0;
        System.err.println("[lifecycle] starting the local stack");
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            Map<String, String> where = stack.describe();
            String jdbcUrl = where.get("database");
            Matcher upstream = UPSTREAM.matcher(where.getOrDefault("s3", ""));
            if (jdbcUrl == null || !upstream.find()) {
                throw new IllegalStateException("cannot find the database and s3proxy in " + where);
            }
            URI s3proxy = URI.create(upstream.group(1));
            Load.alsoCounted = postmaster(jdbcUrl);
            System.err.println("[lifecycle] API " + stack.apiUrl() + ", S3 front " + stack.s3Endpoint()
                    + ", s3proxy " + s3proxy + ", " + jdbcUrl);

            StowageClient stowage = new StowageClient(stack.apiUrl(), body, profile, file, contentType,
                    subject -> DevTokens.mint(secret, subject,
                    Duration.ofHours(2)));
            // The embedded server trusts local connections; LocalPostgres's embedded user is postgres.
            try (Floor floor = new Floor(jdbcUrl, "postgres", "postgres", s3proxy, stack.bucket(), body)) {
                String loadBefore = ColdStartBench.loadAverage();
                // On two shared cores C2 is still compiling Stowage's paths after a 10 s warm-up; one longer,
                // unmeasured run per side first keeps round 1 from measuring the JIT.
                for (Load.Workload w : List.<Load.Workload>of(stowage, floor)) {
                    System.err.printf("[lifecycle] pre-warming %s for %d s%n", w.name(), prewarm.toSeconds());
                    Load.warm(w, clients, prewarm);
                }
                stowage.drainNote();
                List<Load.Outcome> stowageRuns = new ArrayList<>();
                List<Load.Outcome> floorRuns = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    // Alternate which side goes first, so neither always meets a warmer or quieter machine.
                    boolean stowageFirst = round % 2 == 1;
                    for (Load.Workload w : stowageFirst ? List.<Load.Workload>of(stowage, floor)
                            : List.<Load.Workload>of(floor, stowage)) {
                        System.err.printf("[lifecycle] round %d/%d: %s, %d clients, warm-up %d s, measure %d s%n",
                                round, rounds, w.name(), clients, warmup.toSeconds(), measure.toSeconds());
                        Load.Outcome o = Load.run(w, clients, warmup, measure);
                        System.err.printf("[lifecycle]   %.1f lifecycles/s (%d in %.1f s), %.1f CPU ms per lifecycle%s%n",
                                o.perSecond(), o.count(), o.seconds(), o.cpuMsPerLifecycle(),
                                o.note().isEmpty() ? "" : "; " + o.note());
                        (w == stowage ? stowageRuns : floorRuns).add(o);
                    }
                }
                String table = table(stowageRuns, floorRuns, clients, warmup, measure,
                        body.length + "-byte " + file + " to the " + profile + " profile",
                        "Load average (1/5/15 min) before: " + loadBefore + ", after: "
                                + ColdStartBench.loadAverage() + ".");
                long errors = stowage.completeErrors();
                if (errors > 0) {
                    table += "\n**ERRORS: " + errors + " `POST /v1/uploads/{id}/complete` calls answered 500** (each "
                            + "was retried until the asset was available; the throughput above includes them). "
                            + "First body: `" + stowage.firstError() + "`. Stack traces: "
                            + System.getProperty("bench.log", "the runner's log") + ".\n";
                }
                System.out.println(table);
                Files.writeString(work.resolve("lifecycle.md"), table);
                if (errors > 0) {
                    exitCode = 3;
                }
            }
        }
        // Numbers measured next to errors are printed, but the run does not pass.
        System.exit(exitCode);
    }

    /** The embedded PostgreSQL server: pg_ctl starts it detached, so it is not among this JVM's descendants. */
    static List<ProcessHandle> postmaster(String jdbcUrl) {
        Matcher port = Pattern.compile(":(\\d+)/").matcher(jdbcUrl);
        if (!port.find()) {
            return List.of();
        }
        List<ProcessHandle> found = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(port.group(1))).orElse(false))
                .toList();
        if (found.isEmpty()) {
            System.err.println("[lifecycle] PostgreSQL's process not found; its CPU time is not counted");
        }
        return found;
    }

    private static String table(List<Load.Outcome> stowage, List<Load.Outcome> floor, int clients, Duration warmup,
                                Duration measure, String upload, String load) {
        StringBuilder t = new StringBuilder();
        t.append("Warm lifecycle throughput, ").append(clients).append(" concurrent clients; each side pre-warmed once, "
                + "then per run a warm-up of ").append(warmup.toSeconds()).append(" s and ").append(measure.toSeconds())
                .append(" s measured per run, ").append(upload).append(", ").append(LocalDate.now())
                .append(". ").append(load).append("\n\n");
        t.append("| Round | Stowage lifecycles/s | Floor lifecycles/s | Stowage / floor | Stowage p50 / p95 ms "
                + "| Floor p50 / p95 ms | CPU ms per lifecycle, Stowage / floor |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        double stowageSum = 0;
        double floorSum = 0;
        double stowageCpu = 0;
        double floorCpu = 0;
        for (int i = 0; i < stowage.size(); i++) {
            Load.Outcome s = stowage.get(i);
            Load.Outcome f = floor.get(i);
            stowageSum += s.perSecond();
            floorSum += f.perSecond();
            stowageCpu += s.cpuMsPerLifecycle();
            floorCpu += f.cpuMsPerLifecycle();
            t.append("| ").append(i + 1)
                    .append(" | ").append(String.format("%.1f", s.perSecond()))
                    .append(" | ").append(String.format("%.1f", f.perSecond()))
                    .append(" | ").append(percent(s.perSecond(), f.perSecond()))
                    .append(" | ").append(s.p50()).append(" / ").append(s.p95())
                    .append(" | ").append(f.p50()).append(" / ").append(f.p95())
                    .append(" | ").append(String.format("%.1f / %.1f", s.cpuMsPerLifecycle(), f.cpuMsPerLifecycle()))
                    .append(" |\n");
        }
        double stowageMean = stowageSum / stowage.size();
        double floorMean = floorSum / floor.size();
        t.append("| **mean** | **").append(String.format("%.1f", stowageMean)).append("** | **")
                .append(String.format("%.1f", floorMean)).append("** | **").append(percent(stowageMean, floorMean))
                .append("** | | | ").append(String.format("%.1f / %.1f (%.0f×)", stowageCpu / stowage.size(),
                        floorCpu / floor.size(), stowageCpu / floorCpu)).append(" |\n\n");
        t.append("- Goal Stowage ≥ 50% of the floor: ").append(stowageMean >= 0.5 * floorMean ? "met" : "**not met**")
                .append('\n');
        for (int i = 0; i < stowage.size(); i++) {
            t.append("- Round ").append(i + 1).append(" median step latency (ms): Stowage ")
                    .append(stowage.get(i).note()).append(" | floor ").append(floor.get(i).note()).append('\n');
        }
        return t.toString();
    }

    private static String percent(double a, double b) {
        return b <= 0 ? "n/a" : String.format("%.0f%%", 100 * a / b);
    }
}
