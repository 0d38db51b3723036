package dev.stowage.bench;

import dev.stowage.localstack.LocalPostgres;
import dev.stowage.localstack.LocalS3Server;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;

/**
 * Cold start: JVM start to the answer of the second API Gateway event ({@code POST /v1/uploads}, then
 * {@code POST /v1/uploads/{id}/url}), median of N fresh JVMs per variant, for the Stowage uploads function and a
 * plain handler doing the same inserts and presign. PostgreSQL and s3proxy are started once for all runs.
 *
 * <p>System properties: {@code bench.uploadsJar} (the shaded uploads function), {@code bench.jar} (this module's
 * jar), {@code bench.workDir} (archives and logs), {@code bench.runs} (default 5). The plain handler's classpath is
 * cut from this JVM's own classpath: the bench jar, the PostgreSQL driver, the AWS SDK and the Lambda event classes.
 */
public final class ColdStartBench {
    private static final String BUCKET = "stowage-bench";

    /** One way of starting a probe; {@code training} flags (if any) produce the archive the run flags use. */
    record Variant(String name, String family, String classpath, String mainClass, List<String> flags,
                   List<String> training, Path artifact) {
        String shownFlags() {
            return flags.isEmpty() ? "(none)" : flags.stream()
                    .filter(f -> !f.startsWith("-Xshare") && !f.startsWith("-XX:AOTMode"))
                    .map(f -> f.replaceAll("=.*/", "="))
                    .collect(Collectors.joining(" "));
        }
    }

    private ColdStartBench() {}

    public static void main(String[] args) throws Exception {
        Path uploadsJar = Path.of(required("bench.uploadsJar"));
        Path benchJar = Path.of(required("bench.jar"));
        Path work = Path.of(System.getProperty("bench.workDir", "bench/target/coldstart"));
        int runs = Integer.getInteger("bench.runs", 5);
        Files.createDirectories(work);

        String stowageCp = uploadsJar.toAbsolutePath() + File.pathSeparator + benchJar.toAbsolutePath();
        String plainCp = plainClasspath(benchJar);
        // Lambda unzips a zip or jar deployment into /var/task and loads its classes from that directory, so the
        // "unpacked" variants start both sides from directories, each jar unpacked into its own.
        String stowageUnpackedCp = unpacked(stowageCp, work.resolve("unpacked/stowage"));
        String plainUnpackedCp = unpacked(plainCp, work.resolve("unpacked/plain"));

        System.err.println("[coldstart] starting PostgreSQL and s3proxy");
        try (LocalPostgres pg = LocalPostgres.start(Optional.empty(), 0);
             LocalS3Server s3 = LocalS3Server.start(Optional.empty(), 0, BUCKET)) {
            Flyway.configure().dataSource(pg.jdbcUrl(), pg.username(), pg.password())
                    .locations("classpath:db/migration").load().migrate();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("STOWAGE_DATABASE_URL", pg.jdbcUrl());
            env.put("STOWAGE_DATABASE_USER", pg.username());
            env.put("STOWAGE_DATABASE_PASSWORD", pg.password());
            env.put("STOWAGE_BUCKET", s3.bucket());
            env.put("STOWAGE_STORAGE_ENDPOINT", s3.endpoint().toString());
            env.put("STOWAGE_STORAGE_REGION", s3.region());
            env.put("STOWAGE_STORAGE_ACCESS_KEY_ID", s3.accessKey());
            env.put("STOWAGE_STORAGE_SECRET_ACCESS_KEY", s3.secretKey());
            env.put("STOWAGE_STORAGE_PATH_STYLE", "true");
            // As template.yaml sets them. Neither queue is sent to on these two routes (the SQS client is built on
            // the first send), but without them the function refuses to start.
            env.put("STOWAGE_VARIANT_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/000000000000/bench-variants");
            env.put("STOWAGE_EXPORT_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/000000000000/bench-exports");

            String only = System.getProperty("bench.only", "");
            // Extra flags for the measured probe JVMs only (not training runs), e.g. a JFR recording per run.
            List<String> probeOpts = List.of(System.getProperty("bench.probeOpts", "").trim().split("\\s+")).stream()
                    .filter(f -> !f.isEmpty()).toList();
            List<Variant> all = new ArrayList<>(variants(work, stowageCp, plainCp));
            List<String> c1Serial = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
            all.add(new Variant("Stowage uploads, unpacked", "stowage-unpacked", stowageUnpackedCp,
                    ColdStartProbe.class.getName(), List.of(), null, null));
            all.add(new Variant("Stowage uploads, unpacked, C1 + SerialGC", "stowage-unpacked", stowageUnpackedCp,
                    ColdStartProbe.class.getName(), c1Serial, null, null));
            all.add(new Variant("Plain handler, unpacked", "plain-unpacked", plainUnpackedCp,
                    PlainColdStartProbe.class.getName(), List.of(), null, null));
            all.add(new Variant("Plain handler, unpacked, C1 + SerialGC", "plain-unpacked", plainUnpackedCp,
                    PlainColdStartProbe.class.getName(), c1Serial, null, null));
            String baselineJar = System.getProperty("bench.baselineJar", "");
            if (!baselineJar.isBlank()) {
                // Another build of the uploads jar (e.g. main's), interleaved with this one in the same rounds: on a
                // shared machine the only fair before/after. Built before UploadsFunction existed, so Micronaut's
                // handler.
                Path copy = work.resolve("baseline-uploads-lambda.jar");
                Files.copy(Path.of(baselineJar), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                String baselineCp = copy.toAbsolutePath() + File.pathSeparator + benchJar.toAbsolutePath();
                String handler = "-Dbench.handler=" + System.getProperty("bench.baselineHandler",
                        "io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction");
                all.add(1, new Variant("Baseline jar uploads, default", "baseline", baselineCp,
                        ColdStartProbe.class.getName(), List.of(handler), null, null));
                all.add(3, new Variant("Baseline jar uploads, C1 + SerialGC", "baseline", baselineCp,
                        ColdStartProbe.class.getName(),
                        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", handler), null, null));
            }
            List<Variant> variants = all.stream()
                    .filter(v -> only.isBlank() || java.util.Arrays.stream(only.toLowerCase().split("\\|"))
                            .anyMatch(part -> v.name().toLowerCase().contains(part))).toList();
            String loadBefore = loadAverage();
            for (Variant v : variants) {
                if (v.training() != null) {
                    Files.deleteIfExists(v.artifact());
                    System.err.println("[coldstart] training run: " + v.name());
                    ChildJvm.run(v.training(), v.classpath(), v.mainClass(), env,
                            work.resolve("logs").resolve(slug(v.name()) + "-training.log"));
                    if (!Files.isRegularFile(v.artifact())) {
                        throw new IllegalStateException("training run of " + v.name() + " wrote no " + v.artifact());
                    }
                }
            }
            Map<Variant, List<ChildJvm.Result>> results = new LinkedHashMap<>();
            variants.forEach(v -> results.put(v, new ArrayList<>()));
            for (int round = 0; round < runs; round++) {
                // Rotate the order so slow drift (page cache, CPU frequency) is shared by all variants.
                for (int i = 0; i < variants.size(); i++) {
                    Variant v = variants.get((i + round) % variants.size());
                    ChildJvm.Result r = ChildJvm.run(concat(v.flags(), probeOpts), v.classpath(), v.mainClass(), env,
                            work.resolve("logs").resolve(slug(v.name()) + "-" + (round + 1) + ".log"));
                    results.get(v).add(r);
                    System.err.printf("[coldstart] round %d/%d %-44s %5d ms (cpu %5d ms)%n", round + 1, runs,
                            v.name(), r.total(), r.cpu());
                }
            }
            String table = table(results, runs, "Load average (1/5/15 min) before: " + loadBefore + ", after: "
                    + loadAverage() + ".");
            System.out.println(table);
            Files.writeString(work.resolve("coldstart.md"), table);
        }
    }

    private static List<Variant> variants(Path work, String stowageCp, String plainCp) {
        String stowage = ColdStartProbe.class.getName();
        String plain = PlainColdStartProbe.class.getName();
        Path stowageJsa = work.resolve("stowage.jsa").toAbsolutePath();
        Path stowageAot = work.resolve("stowage.aot").toAbsolutePath();
        Path stowageAotC1 = work.resolve("stowage-c1-serial.aot").toAbsolutePath();
        Path plainJsa = work.resolve("plain.jsa").toAbsolutePath();
        Path plainAot = work.resolve("plain.aot").toAbsolutePath();
        List<String> c1Serial = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        return List.of(
                new Variant("Stowage uploads, default", "stowage", stowageCp, stowage, List.of(), null, null),
                new Variant("Stowage uploads, C1 + SerialGC", "stowage", stowageCp, stowage, c1Serial, null, null),
                new Variant("Stowage uploads, AppCDS", "stowage", stowageCp, stowage,
                        List.of("-XX:SharedArchiveFile=" + stowageJsa, "-Xshare:on"),
                        List.of("-XX:ArchiveClassesAtExit=" + stowageJsa), stowageJsa),
                new Variant("Stowage uploads, AOT cache", "stowage", stowageCp, stowage,
                        List.of("-XX:AOTCache=" + stowageAot, "-XX:AOTMode=on"),
                        List.of("-XX:AOTCacheOutput=" + stowageAot), stowageAot),
                new Variant("Stowage uploads, AOT cache + C1 + SerialGC", "stowage", stowageCp, stowage,
                        concat(c1Serial, List.of("-XX:AOTCache=" + stowageAotC1, "-XX:AOTMode=on")),
                        concat(c1Serial, List.of("-XX:AOTCacheOutput=" + stowageAotC1)), stowageAotC1),
                // SnapStart's proxy: the hook's beforeCheckpoint + afterRestore run before "ready"; the 1st request
                // column is then what a restored, primed function's first request costs (not a cold start).
                new Variant("Stowage uploads, primed then restored", "primed", stowageCp,
                        PrimedColdStartProbe.class.getName(), List.of(), null, null),
                new Variant("Stowage uploads, primed then restored, C1 + SerialGC", "primed", stowageCp,
                        PrimedColdStartProbe.class.getName(), c1Serial, null, null),
                new Variant("Plain handler, default", "plain", plainCp, plain, List.of(), null, null),
                new Variant("Plain handler, AppCDS", "plain", plainCp, plain,
                        List.of("-XX:SharedArchiveFile=" + plainJsa, "-Xshare:on"),
                        List.of("-XX:ArchiveClassesAtExit=" + plainJsa), plainJsa),
                new Variant("Plain handler, AOT cache", "plain", plainCp, plain,
                        List.of("-XX:AOTCache=" + plainAot, "-XX:AOTMode=on"),
                        List.of("-XX:AOTCacheOutput=" + plainAot), plainAot));
    }

    /** Each jar of {@code classpath} unpacked into its own directory under {@code into}; the directories' classpath. */
    static String unpacked(String classpath, Path into) throws java.io.IOException {
        List<String> dirs = new ArrayList<>();
        String[] entries = classpath.split(File.pathSeparator);
        for (int i = 0; i < entries.length; i++) {
            Path jar = Path.of(entries[i]);
            Path dir = into.resolve(i + "-" + jar.getFileName()).toAbsolutePath();
            if (Files.isDirectory(jar)) {
                dirs.add(jar.toAbsolutePath().toString());
                continue;
            }
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
                for (var e : java.util.Collections.list(zip.entries())) {
                    Path target = dir.resolve(e.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new java.io.IOException("entry outside the jar's directory: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (var in = zip.getInputStream(e)) {
                            Files.copy(in, target);
                        }
                    }
                }
            }
            dirs.add(dir.toString());
        }
        return String.join(File.pathSeparator, dirs);
    }

    /** This JVM's classpath cut down to what the plain handler needs; a bigger one would slow its start. */
    static String plainClasspath(Path benchJar) {
        List<String> kept = new ArrayList<>();
        kept.add(benchJar.toAbsolutePath().toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean sdk = e.contains("/software/amazon/awssdk/") && !e.contains("/apache-client/")
                    && !e.contains("/netty-nio-client/") && !e.contains("/aws-crt");
            if (sdk || e.contains("/org/postgresql/postgresql/") || e.contains("/org/reactivestreams/")
                    || e.contains("/com/amazonaws/aws-lambda-java-events/")
                    || e.contains("/com/amazonaws/aws-lambda-java-core/") || e.contains("/org/slf4j/slf4j-api/")) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    private static String table(Map<Variant, List<ChildJvm.Result>> results, int runs, String load) {
        long plainWall = familyMedian(results, "plain", ChildJvm.Result::total, false);
        long plainBestWall = familyMedian(results, "plain", ChildJvm.Result::total, true);
        long plainCpu = familyMedian(results, "plain", ChildJvm.Result::cpu, false);
        long stowageWall = familyMedian(results, "stowage", ChildJvm.Result::total, false);
        long stowageBestWall = familyMedian(results, "stowage", ChildJvm.Result::total, true);
        long stowageCpu = familyMedian(results, "stowage", ChildJvm.Result::cpu, false);

        StringBuilder t = new StringBuilder();
        t.append("Cold start, JVM start -> 2nd API Gateway event answered (POST /v1/uploads 201, then "
                + "POST /v1/uploads/{id}/url 200). Median of ").append(runs)
                .append(" fresh JVMs per variant, ms. ").append(load).append("\n\n");
        t.append("| Variant | Extra JVM flags | Median | Min–max | CPU | Handler ready | 1st answer "
                + "| 1st request (1st answer − ready) | Spawn → answer | × plain default |\n");
        t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        results.forEach((v, rs) -> {
            long median = median(rs, ChildJvm.Result::total);
            t.append("| ").append(v.name())
                    .append(" | `").append(v.shownFlags()).append('`')
                    .append(" | **").append(median).append("**")
                    .append(" | ").append(min(rs)).append('–').append(max(rs))
                    .append(" | ").append(median(rs, ChildJvm.Result::cpu))
                    .append(" | ").append(median(rs, ChildJvm.Result::ready))
                    .append(" | ").append(median(rs, ChildJvm.Result::first))
                    .append(" | ").append(median(rs, r -> r.first() - r.ready()))
                    .append(" | ").append(median(rs, ChildJvm.Result::spawnToAnswer))
                    .append(" | ").append(ratio(median, plainWall)).append(" |\n");
        });
        if (plainWall > 0 && stowageWall > 0) {
            t.append("\n- Stowage default / plain default: **").append(ratio(stowageWall, plainWall))
                    .append("** wall, ").append(ratio(stowageCpu, plainCpu)).append(" CPU (goal ≤ 3×: ")
                    .append(stowageWall <= 3 * plainWall ? "met" : "**not met**").append(")\n");
            t.append("- Best Stowage / best plain: **").append(ratio(stowageBestWall, plainBestWall)).append("** (")
                    .append(stowageBestWall).append(" vs ").append(plainBestWall).append(" ms; goal ≤ 3×: ")
                    .append(stowageBestWall <= 3 * plainBestWall ? "met" : "**not met**").append(")\n");
            t.append("- Best Stowage / plain default: **").append(ratio(stowageBestWall, plainWall)).append("**\n");
        }
        long unpackedStowage = familyMedian(results, "stowage-unpacked", ChildJvm.Result::total, false);
        long unpackedPlain = familyMedian(results, "plain-unpacked", ChildJvm.Result::total, false);
        long unpackedStowageBest = familyMedian(results, "stowage-unpacked", ChildJvm.Result::total, true);
        long unpackedPlainBest = familyMedian(results, "plain-unpacked", ChildJvm.Result::total, true);
        if (unpackedStowage > 0 && unpackedPlain > 0) {
            t.append("- Unpacked as Lambda runs a deployment, Stowage default / plain default: **")
                    .append(ratio(unpackedStowage, unpackedPlain)).append("** (").append(unpackedStowage)
                    .append(" vs ").append(unpackedPlain).append(" ms); fastest of each: **")
                    .append(ratio(unpackedStowageBest, unpackedPlainBest)).append("** (")
                    .append(unpackedStowageBest).append(" vs ").append(unpackedPlainBest).append(" ms)\n");
        }
        return t.toString();
    }

    /** The family's first (default) variant, or its fastest one. */
    private static long familyMedian(Map<Variant, List<ChildJvm.Result>> results, String family,
                                     ToLongFunction<ChildJvm.Result> f, boolean best) {
        var medians = results.entrySet().stream().filter(e -> e.getKey().family().equals(family))
                .mapToLong(e -> median(e.getValue(), f));
        return (best ? medians.min() : medians.findFirst()).orElse(-1);
    }

    static long median(List<ChildJvm.Result> rs, ToLongFunction<ChildJvm.Result> f) {
        long[] values = rs.stream().mapToLong(f).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static long min(List<ChildJvm.Result> rs) {
        return rs.stream().mapToLong(ChildJvm.Result::total).min().orElseThrow();
    }

    private static long max(List<ChildJvm.Result> rs) {
        return rs.stream().mapToLong(ChildJvm.Result::total).max().orElseThrow();
    }

    static String ratio(long a, long b) {
        if (a <= 0 || b <= 0) {
            return "n/a";
        }
        return String.format("%.1f×", (double) a / b);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String slug(String name) {
        return name.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("-D" + property + " is required (bench/run.sh sets it)");
        }
        return value;
    }

    /** Load average of the machine: the benchmark shares its two cores with whatever else runs. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
