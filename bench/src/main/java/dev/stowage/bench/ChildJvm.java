package dev.stowage.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts a probe in a fresh JVM, keeps its output in a log file and parses its {@link ProbeClock} line. */
final class ChildJvm {
    private static final Pattern REPORT = Pattern.compile(ProbeClock.MARKER
            + " main=(\\d+) ready=(\\d+) first=(\\d+) total=(\\d+) cpu=(-?\\d+)");

    /** Milestones in ms since JVM start, and the parent's view: process spawn to the report line. */
    record Result(long main, long ready, long first, long total, long cpu, long spawnToAnswer) {}

    private ChildJvm() {}

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Runs {@code java <flags> -cp <classpath> <mainClass>} with {@code env} added to this process's environment.
     * Fails (with the tail of the output) unless the probe reported and exited with 0.
     */
    static Result run(List<String> flags, String classpath, String mainClass, Map<String, String> env, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(flags);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        // Options injected from outside would apply to some runs' training and not others.
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.remove("JDK_JAVA_OPTIONS");
        environment.remove("_JAVA_OPTIONS");
        environment.putAll(env);
        Files.createDirectories(log.getParent());
        Deque<String> tail = new ArrayDeque<>();
        Result result = null;
        long spawned = System.nanoTime();
        Process process = builder.start();
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            file.println("# " + String.join(" ", command));
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = REPORT.matcher(line);
                if (m.find() && result == null) {
                    long spawnToAnswer = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawned);
                    result = new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                            Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                            spawnToAnswer);
                }
                file.println(line);
                tail.addLast(line);
                if (tail.size() > 40) {
                    tail.removeFirst();
                }
            }
        } finally {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        int exit = process.exitValue();
        if (exit != 0 || result == null) {
            throw new IllegalStateException(mainClass + " " + flags + " failed (exit " + exit + ", log " + log
                    + "). Last lines:\n  " + String.join("\n  ", tail));
        }
        return result;
    }
}
