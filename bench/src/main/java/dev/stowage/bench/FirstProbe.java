package dev.stowage.bench;

import dev.stowage.media.BytesMediaProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What SnapStart's probe priming saves: the first probes of a fresh JVM, of each file named (its first 8 MiB, as the
 * probe window reads), timed one after another through {@link BytesMediaProbe} alone. The first pays the probe's
 * first use (the type sniffer's tables, the readers); the rest show what a primed one costs.
 */
public final class FirstProbe {
    public static void main(String[] args) throws Exception {
        var probe = new BytesMediaProbe();
        System.out.println("| probe | file | ms | read as |\n|---:|---|---:|---|");
        int n = 0;
        for (String file : args) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 8 << 20));
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                var probed = probe.probe(head, bytes.length);
                System.out.printf("| %d | %s | %.1f | %s |%n", ++n, Path.of(file).getFileName(),
                        (System.nanoTime() - start) / 1e6, probed.contentType());
            }
        }
    }
}
