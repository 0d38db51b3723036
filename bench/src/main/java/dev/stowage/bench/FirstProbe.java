package dev.stowage.bench;

import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.media.BytesMediaProbe;
import dev.stowage.render.Renderers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What SnapStart's probe and render priming save: the first probes of a fresh JVM, of each file named (its first
 * 8 MiB, as the probe window reads), timed one after another through {@link BytesMediaProbe} alone; then three
 * renders of the first file into a 200x200 JPEG thumbnail by the renderer the worker would choose. The first of each
 * pays its first use (the type sniffer's tables, the readers; the renderer's bindings and decoders); the rest show
 * what a primed one costs.
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
        byte[] first = Files.readAllBytes(Path.of(args[0]));
        VariantRenderer renderer = Renderers.choose(100_000_000L);
        System.out.println("\n| render | renderer | ms | size |\n|---:|---|---:|---|");
        for (int i = 1; i <= 3; i++) {
            long start = System.nanoTime();
            var rendered = renderer.render(first, new VariantSpec("thumb", 200, 200, VariantSpec.Fit.COVER, "jpeg", 80));
            System.out.printf("| %d | %s | %.1f | %dx%d |%n", i, renderer.name(), (System.nanoTime() - start) / 1e6,
                    rendered.width(), rendered.height());
        }
    }
}
