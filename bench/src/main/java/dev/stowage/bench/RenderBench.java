package dev.stowage.bench;

import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.profile.VariantSpec.Fit;
import dev.stowage.render.Renderers;
import dev.stowage.render.VipsRenderer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Issue 7: rendering the {@code image} profile's variants (thumb 200x200 cover q80, medium 800x800 contain q85)
 * from a generated 12 MP photo-like JPEG, by the libvips renderer (FFM) and the pure-Java one, beside Debian's
 * {@code vipsthumbnail} CLI making the same two files in the same run; then the peak heap of a worker JVM
 * ({@code -Xmx256m}) rendering both from a 50 MP JPEG with each renderer.
 */
public final class RenderBench {
    private static final VariantSpec THUMB = new VariantSpec("thumb", 200, 200, Fit.COVER, "jpeg", 80);
    private static final VariantSpec MEDIUM = new VariantSpec("medium", 800, 800, Fit.CONTAIN, "jpeg", 85);
    private static final long MAX_PIXELS = 100_000_000L;

    private interface Side {
        void renderBoth() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("heap")) {
            heapProbe(Path.of(args[1]), args[2]);
            return;
        }
        int runs = Integer.getInteger("bench.runs", 5);
        int warmups = Integer.getInteger("bench.warmups", 2);
        Path work = Path.of(System.getProperty("bench.workDir", "bench/target/render"));
        Files.createDirectories(work);
        Path photo = work.resolve("photo-4000x3000.jpg");
        writeJpeg(photoLike(4000, 3000, 1), photo, 0.90f);

        VariantRenderer vips = VipsRenderer.load(MAX_PIXELS)
                .orElseThrow(() -> new IllegalStateException("libvips did not load"));
        VariantRenderer java = Renderers.java(MAX_PIXELS);
        Map<String, Side> sides = new LinkedHashMap<>();
        sides.put("libvips renderer (FFM)", () -> renderBoth(vips, photo));
        sides.put("Java renderer (ImageIO + TwelveMonkeys + Thumbnailator)", () -> renderBoth(java, photo));
        sides.put("`vipsthumbnail` CLI (2 processes)", () -> vipsthumbnail(photo, work));
        checkSizes(vips, java, photo, work);

        Map<String, long[]> times = new LinkedHashMap<>();
        sides.keySet().forEach(name -> times.put(name, new long[runs]));
        List<String> order = new ArrayList<>(sides.keySet());
        for (int round = 0; round < warmups + runs; round++) {
            for (String name : order) {
                long start = System.nanoTime();
                sides.get(name).renderBoth();
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (round >= warmups) {
                    times.get(name)[round - warmups] = ms;
                }
            }
            order.addLast(order.removeFirst()); // rotate, so drift hits every side alike
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long cli = median(times.get("`vipsthumbnail` CLI (2 processes)"));
        System.out.printf(Locale.ROOT, "%n12 MP JPEG (4000x3000, q90, %,d bytes) -> thumb + medium; median of %d after %d"
                + " warm-ups, ms; load average %.2f%n%n", Files.size(photo), runs, warmups, load);
        System.out.println("| Side | Median | Min–max | Runs | × vipsthumbnail |");
        System.out.println("|---|---:|---:|---|---:|");
        for (var e : times.entrySet()) {
            long[] t = e.getValue().clone();
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "| %s | **%d** | %d–%d | %s | %.2f× |%n", e.getKey(), median(t), t[0],
                    t[t.length - 1], Arrays.toString(e.getValue()).replaceAll("[\\[\\],]", ""),
                    (double) median(t) / cli);
        }

        Path big = work.resolve("photo-8660x5773.jpg");
        writeJpeg(photoLike(8660, 5773, 2), big, 0.90f);
        System.out.printf(Locale.ROOT, "%n50 MP JPEG (8660x5773, %,d bytes) -> thumb + medium in a child JVM with -Xmx256m%n%n",
                Files.size(big));
        System.out.println("| Renderer | Peak heap (sum of heap pools' peaks) | Peak RSS (VmHWM) | Render ms |");
        System.out.println("|---|---:|---:|---:|");
        for (String renderer : List.of("java", "libvips")) {
            System.out.println(childHeap(big, renderer));
        }
    }

    private static void renderBoth(VariantRenderer renderer, Path photo) throws IOException {
        byte[] source = Files.readAllBytes(photo);
        renderer.render(source, THUMB);
        renderer.render(source, MEDIUM);
    }

    private static void vipsthumbnail(Path photo, Path work) throws IOException, InterruptedException {
        run("vipsthumbnail", photo.toString(), "-s", "200x200", "-m", "centre",
                "-o", work.resolve("cli-thumb.jpg") + "[Q=80,strip]");
        run("vipsthumbnail", photo.toString(), "-s", "800x800",
                "-o", work.resolve("cli-medium.jpg") + "[Q=85,strip]");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    /** All three sides must make the same sizes, or the comparison is not like for like. */
    private static void checkSizes(VariantRenderer vips, VariantRenderer java, Path photo, Path work) throws Exception {
        vipsthumbnail(photo, work);
        byte[] source = Files.readAllBytes(photo);
        for (VariantRenderer r : List.of(vips, java)) {
            for (VariantSpec spec : List.of(THUMB, MEDIUM)) {
                var rendering = r.render(source, spec);
                expect(r.name() + " " + spec.name(), spec.outputSize(4000, 3000), rendering.width(), rendering.height());
            }
        }
        BufferedImage thumb = ImageIO.read(work.resolve("cli-thumb.jpg").toFile());
        BufferedImage medium = ImageIO.read(work.resolve("cli-medium.jpg").toFile());
        expect("vipsthumbnail thumb", THUMB.outputSize(4000, 3000), thumb.getWidth(), thumb.getHeight());
        expect("vipsthumbnail medium", MEDIUM.outputSize(4000, 3000), medium.getWidth(), medium.getHeight());
    }

    private static void expect(String what, VariantSpec.Size size, int w, int h) {
        if (size.width() != w || size.height() != h) {
            throw new IllegalStateException(what + " is " + w + "x" + h + ", expected " + size);
        }
    }

    private static String childHeap(Path big, String renderer) throws IOException, InterruptedException {
        List<String> command = List.of(ChildJvm.java().toString(), "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), RenderBench.class.getName(), "heap", big.toString(),
                renderer);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        String row = out.lines().filter(l -> l.startsWith("|")).findFirst().orElse(null);
        if (status != 0 || row == null) {
            return "| " + renderer + " | failed (exit " + status + "): " + out.lines().filter(l -> l.contains("Error"))
                    .findFirst().orElse("see output").strip() + " | | |";
        }
        return row;
    }

    /** In the child JVM: render both variants of {@code big} and print one table row. */
    private static void heapProbe(Path big, String name) throws IOException {
        VariantRenderer renderer = name.equals("java") ? Renderers.java(MAX_PIXELS)
                : VipsRenderer.load(MAX_PIXELS).orElseThrow();
        byte[] source = Files.readAllBytes(big);
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        renderer.render(source, THUMB);
        renderer.render(source, MEDIUM);
        long ms = (System.nanoTime() - start) / 1_000_000;
        long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\D", "")).findFirst().orElse("0");
        System.out.printf(Locale.ROOT, "| %s | %.0f MiB (source bytes %.1f MiB included) | %.0f MiB | %d |%n", name,
                peak / 1048576.0, source.length / 1048576.0, Long.parseLong(hwm) / 1024.0, ms);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Smooth gradients, a few soft shapes and per-pixel sensor-like noise: compresses like a photo, not a flat fill. */
    static BufferedImage photoLike(int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) {
            double fy = (double) y / h;
            for (int x = 0; x < w; x++) {
                double fx = (double) x / w;
                double wave = Math.sin(fx * 23 + fy * 7) * 30 + Math.cos(fy * 31 - fx * 5) * 20;
                int n = random.nextInt(25) - 12;
                int r = clamp(60 + 150 * fx + wave + n);
                int g = clamp(90 + 120 * fy - wave / 2 + n);
                int b = clamp(160 - 100 * fx * fy + wave / 3 + n);
                pixels[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return image;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    static void writeJpeg(BufferedImage image, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
