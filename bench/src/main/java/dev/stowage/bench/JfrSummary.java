package dev.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time of a recorded cold start or warm run goes: reads the JFR files the bench's probes wrote (with
 * {@code BENCH_PROBE_OPTS} or {@code BENCH_JAVA_OPTS}) and prints Markdown tables, summed over all files given.
 *
 * <ul>
 *   <li>{@code jdk.MethodTiming} (JDK 25's {@code method-timing=} option): exact wall time of chosen methods;</li>
 *   <li>{@code jdk.CPUTimeSample} (JDK 25, Linux) or else {@code jdk.ExecutionSample}: samples attributed to the
 *       innermost <em>phase</em> on the stack (a few named start-up steps) and to the <em>activity</em> of the
 *       sampled frames (reading and inflating the jar, defining classes, spinning lambdas, ...);</li>
 *   <li>self time by top frame, and by the top frame's package;</li>
 *   <li>JIT compilation and GC totals, classes loaded, exceptions thrown.</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp bench.jar dev.stowage.bench.JfrSummary [--threads=REGEX] [--stacks=PHASE] FILE.jfr...};
 * {@code --threads} keeps the samples of threads whose name matches (virtual threads have none: {@code ^$}); with
 * {@code --classes LOG...} instead it counts the classes an {@code -Xlog:class+load} log shows, per package.
 */
public final class JfrSummary {
    private JfrSummary() {}

    /** A named step: a sample is in it when a frame on its stack matches (the innermost phase wins). */
    record Phase(String name, Predicate<String> frame) {}

    /** Innermost first: a PostgreSQL connect inside the Hikari pool's start counts as the connect. */
    static final List<Phase> PHASES = List.of(
            phase("JFR's own start-up", "jdk.jfr.internal."),
            phase("PostgreSQL connect (pgjdbc)", "org.postgresql.Driver.connect"),
            phase("Hikari pool start", "com.zaxxer.hikari.pool.HikariPool.<init>"),
            phase("S3Client built", "dev.stowage.storage.s3.S3Clients.s3Client"),
            phase("S3Presigner built", "dev.stowage.storage.s3.S3Clients.s3Presigner"),
            phase("first presign", "dev.stowage.storage.s3.S3ObjectStore.presign"),
            phase("logback configured", "ch.qos.logback.classic.util.ContextInitializer."),
            phase("configuration read (YAML, env)", "io.micronaut.context.env.DefaultEnvironment.start"),
            phase("API Gateway handler built", "io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventHandler.<init>"),
            // Warm work, by use case (the local stack runs every function in one JVM).
            phase("variant rendering (worker)", "dev.stowage.domain.variant.RenderVariant."),
            phase("promotion (probe, copy, delete staging)", "dev.stowage.domain.asset.PromoteAsset."),
            phase("verification (HEAD, claim)", "dev.stowage.domain.upload.VerifyUpload."),
            phase("initiate", "dev.stowage.domain.upload.InitiateUpload."),
            phase("sign", "dev.stowage.domain.upload.SignUpload."),
            phase("S3 event front and event delivery (local stack only)", "dev.stowage.localstack."),
            phase("outbox relay and webhooks", "dev.stowage.domain.event.", "dev.stowage.lambda.outbox."),
            phase("requests answered", "io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction.handleRequest",
                    "io.micronaut.http.server.netty.", "io.micronaut.http.server.RouteExecutor."),
            phase("singletons built eagerly (other beans)", "io.micronaut.context.DefaultBeanContext.initializeContext"),
            phase("bean context start (definitions)", "io.micronaut.context.DefaultBeanContext.start",
                    "io.micronaut.context.DefaultApplicationContext.start"),
            phase("context built (before start)", "io.micronaut.function.executor.AbstractExecutor.buildApplicationContext"),
            phase("probe main (JVM and JDK start)", "dev.stowage.bench.ColdStart"));

    /** What the sampled code was doing, judged by the frames nearest the top (first match wins). */
    static final Map<String, Predicate<String>> ACTIVITIES = activities();

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("--classes")) {
            classes(List.of(args).subList(1, args.length).stream().map(Path::of).toList());
            return;
        }
        String threads = null;
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--stacks=")) {
                stacksOf = a.substring("--stacks=".length());
            } else if (a.startsWith("--threads=")) {
                threads = a.substring("--threads=".length());
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("usage: JfrSummary [--threads=NAME] FILE.jfr... | --classes LOG...");
        }
        summarize(files, threads);
    }

    /** With {@code --stacks=PHASE}: also print that phase's most frequent stacks (top 14 frames). */
    private static String stacksOf;

    static void summarize(List<Path> files, String threadFilter) throws IOException {
        Map<String, Integer> stacks = new TreeMap<>();
        Map<String, Integer> phaseActivity = new TreeMap<>();
        Map<String, long[]> timings = new TreeMap<>(); // method -> {invocations, sum of averages ns, files}
        Map<String, Integer> byPhase = new LinkedHashMap<>();
        Map<String, Integer> byActivity = new LinkedHashMap<>();
        Map<String, Integer> byTopFrame = new TreeMap<>();
        Map<String, Integer> byTopPackage = new TreeMap<>();
        Map<String, Integer> byThread = new TreeMap<>();
        long compileNanos = 0;
        long compiles = 0;
        long gcPauseNanos = 0;
        long gcs = 0;
        long classesLoaded = 0;
        long throwables = 0;
        int samples = 0;
        boolean cpuSampler = false;
        for (Path file : files) {
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            cpuSampler |= events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        }
        String sampleEvent = cpuSampler ? "jdk.CPUTimeSample" : "jdk.ExecutionSample";
        for (Path file : files) {
            RecordedEvent lastCompiler = null;
            RecordedEvent lastClassLoading = null;
            RecordedEvent lastExceptions = null;
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                switch (e.getEventType().getName()) {
                    case "jdk.MethodTiming" -> {
                        String method = e.getValue("method") instanceof jdk.jfr.consumer.RecordedMethod m
                                ? m.getType().getName() + "." + m.getName() : String.valueOf(e.getValue("method"));
                        long invocations = e.getLong("invocations");
                        if (invocations > 0) {
                            long[] t = timings.computeIfAbsent(method, k -> new long[3]);
                            t[0] += invocations;
                            t[1] += e.getDuration("average").toNanos() * invocations;
                            t[2]++;
                        }
                    }
                    case "jdk.CompilerStatistics" -> lastCompiler = e;
                    case "jdk.ClassLoadingStatistics" -> lastClassLoading = e;
                    case "jdk.ExceptionStatistics" -> lastExceptions = e;
                    case "jdk.GarbageCollection" -> {
                        gcs++;
                        gcPauseNanos += e.getDuration("sumOfPauses").toNanos();
                    }
                    default -> {
                        if (!e.getEventType().getName().equals(sampleEvent)) {
                            continue;
                        }
                        // CPU-time samples name their thread eventThread, execution samples sampledThread.
                        String field = e.hasField("sampledThread") ? "sampledThread" : "eventThread";
                        String thread = e.getThread(field) != null ? e.getThread(field).getJavaName() : "?";
                        if (threadFilter != null && !(thread == null ? "" : thread).matches(threadFilter)) {
                            continue;
                        }
                        RecordedStackTrace stack = e.getStackTrace();
                        if (stack == null || stack.getFrames().isEmpty()) {
                            continue;
                        }
                        samples++;
                        byThread.merge(thread, 1, Integer::sum);
                        List<String> frames = stack.getFrames().stream().filter(RecordedFrame::isJavaFrame)
                                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName()).toList();
                        String phase = phaseOf(frames);
                        String activity = activityOf(frames);
                        byPhase.merge(phase, 1, Integer::sum);
                        byActivity.merge(activity, 1, Integer::sum);
                        phaseActivity.merge(phase + " / " + activity, 1, Integer::sum);
                        if (stacksOf != null && phase.startsWith(stacksOf)) {
                            stacks.merge(String.join("\n    ", frames.subList(0, Math.min(14, frames.size()))), 1,
                                    Integer::sum);
                        }
                        byTopFrame.merge(frames.getFirst(), 1, Integer::sum);
                        byTopPackage.merge(packageOf(frames.getFirst()), 1, Integer::sum);
                    }
                }
            }
            if (lastCompiler != null) {
                compileNanos += lastCompiler.getDuration("totalTimeSpent").toNanos();
                compiles += lastCompiler.getLong("compileCount");
            }
            if (lastClassLoading != null) {
                classesLoaded += lastClassLoading.getLong("loadedClassCount");
            }
            if (lastExceptions != null) {
                throwables += lastExceptions.getLong("throwables");
            }
        }
        int n = files.size();
        StringBuilder out = new StringBuilder();
        out.append("Recordings: ").append(n).append(", ").append(samples).append(' ').append(sampleEvent)
                .append(" samples").append(threadFilter == null ? "" : " (thread " + threadFilter + ")").append(".\n\n");
        if (!timings.isEmpty()) {
            out.append("| Method (jdk.MethodTiming) | Calls per run | Mean time per run, ms |\n|---|---:|---:|\n");
            timings.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<String, long[]> t) -> t.getValue()[1]).reversed())
                    .forEach(t -> out.append("| `").append(t.getKey()).append("` | ")
                            .append(String.format(Locale.ROOT, "%.1f", (double) t.getValue()[0] / n)).append(" | ")
                            .append(String.format(Locale.ROOT, "%.0f", t.getValue()[1] / 1e6 / n)).append(" |\n"));
            out.append('\n');
        }
        table(out, "Phase (innermost on the stack)", byPhase, samples, 20);
        table(out, "Activity (frames nearest the top)", byActivity, samples, 20);
        table(out, "Phase / activity", phaseActivity, samples, 25);
        table(out, "Top frame (self)", byTopFrame, samples, 15);
        table(out, "Top frame's package (self)", byTopPackage, samples, 15);
        table(out, "Thread", byThread, samples, 8);
        out.append(String.format(Locale.ROOT, "Per run: JIT %d compilations, %.0f ms of compiler-thread time; "
                        + "%d GCs, %.0f ms paused; %d classes loaded; %d throwables created.%n",
                compiles / n, compileNanos / 1e6 / n, gcs / n, gcPauseNanos / 1e6 / n, classesLoaded / n,
                throwables / n));
        stacks.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .forEach(e -> out.append("\n").append(e.getValue()).append(" samples:\n    ").append(e.getKey())
                        .append('\n'));
        System.out.print(out);
    }

    static String phaseOf(List<String> frames) {
        for (String frame : frames) { // top (innermost) first
            for (Phase p : PHASES) {
                if (p.frame().test(frame)) {
                    return p.name();
                }
            }
        }
        return "other (threads outside these phases)";
    }

    static String activityOf(List<String> frames) {
        List<String> top = frames.subList(0, Math.min(frames.size(), 12));
        for (var a : ACTIVITIES.entrySet()) {
            if (top.stream().anyMatch(a.getValue())) {
                return a.getKey();
            }
        }
        return "running code (" + packageOf(frames.getFirst()) + ")";
    }

    private static Phase phase(String name, String... prefixes) {
        return new Phase(name, frame -> Stream.of(prefixes).anyMatch(frame::startsWith));
    }

    private static Map<String, Predicate<String>> activities() {
        Map<String, Predicate<String>> a = new LinkedHashMap<>();
        a.put("native code through FFM (libvips)", starts("jdk.internal.foreign.", "dev.stowage.render.VipsRenderer$Native"));
        a.put("reading the jar (zip, inflate)", starts("java.util.zip.", "jdk.nio.zipfs.", "java.io.RandomAccessFile.",
                "jdk.internal.loader.Resource.", "jdk.internal.loader.URLClassPath", "java.util.jar."));
        a.put("defining and linking classes", starts("java.lang.ClassLoader.defineClass", "java.lang.ClassLoader.postDefineClass",
                "java.security.SecureClassLoader.defineClass", "jdk.internal.loader.BuiltinClassLoader.defineClass",
                "java.lang.Class.forName", "java.lang.ClassLoader.loadClass"));
        a.put("spinning lambdas and method handles", starts("java.lang.invoke.", "jdk.internal.classfile.",
                "java.lang.classfile.", "jdk.internal.constant.", "sun.invoke."));
        a.put("reflection", starts("java.lang.reflect.", "jdk.internal.reflect.", "java.lang.Class.getDeclared",
                "java.lang.Class.getMethod", "java.lang.Class.getConstructor"));
        a.put("building exceptions (stack traces)", starts("java.lang.Throwable.fillInStackTrace", "java.lang.Throwable.<init>"));
        a.put("TLS and crypto", starts("sun.security.", "javax.crypto.", "com.sun.crypto.", "java.security."));
        a.put("sockets and I/O", starts("sun.nio.ch.", "java.net.", "sun.net.", "java.io.FileInputStream."));
        a.put("JSON (serde, Jackson)", starts("io.micronaut.serde.", "com.fasterxml.jackson.",
                "software.amazon.awssdk.thirdparty.jackson."));
        a.put("YAML parsing", starts("org.yaml.snakeyaml."));
        a.put("XML parsing", starts("com.sun.org.apache.xerces.", "javax.xml.", "jdk.xml."));
        a.put("regular expressions", starts("java.util.regex."));
        return a;
    }

    private static Predicate<String> starts(String... prefixes) {
        return frame -> Stream.of(prefixes).anyMatch(frame::startsWith);
    }

    static String packageOf(String frame) {
        String type = frame.substring(0, frame.lastIndexOf('.'));
        String[] parts = type.split("\\.");
        int keep = Math.min(parts.length - 1, 3);
        return keep <= 0 ? type : String.join(".", List.of(parts).subList(0, keep));
    }

    private static void table(StringBuilder out, String title, Map<String, Integer> counts, int total, int limit) {
        if (total == 0) {
            return;
        }
        out.append("| ").append(title).append(" | Samples | Share |\n|---|---:|---:|\n");
        // Code names (frames, packages) in backticks; phases, activities and threads as words.
        boolean code = title.startsWith("Top frame");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.append("| ").append(code ? "`" + e.getKey() + "`" : e.getKey()).append(" | ")
                        .append(e.getValue()).append(" | ")
                        .append(String.format(Locale.ROOT, "%.0f%%", 100.0 * e.getValue() / total)).append(" |\n"));
        out.append('\n');
    }

    /** Classes an {@code -Xlog:class+load} log shows, by where they came from and, for the jar's, by package. */
    static void classes(List<Path> logs) throws IOException {
        Map<String, Integer> bySource = new TreeMap<>();
        Map<String, Integer> byPackage = new TreeMap<>();
        int total = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log)) {
                int at = line.indexOf("[class,load] ");
                int source = line.indexOf(" source: ");
                if (at < 0 || source < 0) {
                    continue;
                }
                total++;
                String name = line.substring(at + "[class,load] ".length(), source).trim();
                String from = line.substring(source + " source: ".length()).trim();
                String kind = from.equals("shared objects file") ? "JDK (CDS archive)"
                        : from.startsWith("jrt:/") ? "JDK (" + from.substring(5) + ")"
                        : from.endsWith(".jar") || from.startsWith("file:") ? "application jar"
                        : "generated (lambdas, proxies)";
                bySource.merge(kind, 1, Integer::sum);
                if (kind.equals("application jar")) {
                    byPackage.merge(packageOf(name + ".x"), 1, Integer::sum);
                }
            }
        }
        int n = logs.size();
        StringBuilder out = new StringBuilder();
        out.append("Logs: ").append(n).append(", ").append(total / n).append(" classes loaded per run.\n\n");
        perRun(out, "Source", bySource, n, 12);
        perRun(out, "Application jar, package", byPackage, n, 25);
        System.out.print(out);
    }

    private static void perRun(StringBuilder out, String title, Map<String, Integer> counts, int n, int limit) {
        out.append("| ").append(title).append(" | Classes per run |\n|---|---:|\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.append("| `").append(e.getKey()).append("` | ").append(e.getValue() / n).append(" |\n"));
        out.append('\n');
    }
}
