package dev.stowage.bench;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.CopySpec;
import dev.stowage.localstack.LocalS3Server;
import dev.stowage.localstack.front.S3EventFront;
import dev.stowage.storage.s3.S3ObjectStore;
import dev.stowage.storage.s3.StorageSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Issue 11: promotion's copy ({@code ObjectStore.copy}, staging → assets, pinned to the staged ETag, the server's
 * type) of a 1 KiB, a 64 MiB and a 1 GiB staged object, on the local S3 server behind the S3 event front as the
 * local stack runs it. Each size is copied by one {@code CopyObject} and by a copy in parts (parallel
 * {@code UploadPartCopy}, 16 at a time) with 64 MiB parts (the default) and with 16 MiB parts; rounds alternate
 * the variants, each copy's target is checked and deleted. The 1 GiB object is streamed in from a generator,
 * never held in memory. Reports medians and the 1 GiB / 1 KiB ratio of the default configuration.
 */
public final class PromoteBench {
    static final long MIB = 1L << 20;
    static final long KIB = 1L << 10;
    static final int CONCURRENCY = 16;
    static final Timings TIMINGS = new Timings();

    /** One way of copying: a store configured to copy so, in parts above {@code threshold}. */
    record Variant(String name, ObjectStore store, long threshold) {
        boolean inParts(long size) {
            return size > threshold;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Long> sizes = List.of(KIB, 64 * MIB, 1L << 30);
        System.err.println("[bench] load average at start: " + loadAverage());
        try (LocalS3Server s3 = LocalS3Server.start(Optional.empty(), 0, LocalS3Server.DEFAULT_BUCKET);
             S3EventFront front = S3EventFront.start(S3EventFront.Options.of(s3.endpoint(), 0, s3.bucket(), e -> { })
                     .withRegion(s3.region()));
             S3Client viaFront = client(s3, front.endpoint(), TIMINGS);
             S3Client upstream = client(s3, s3.endpoint(), new Timings());
             S3Presigner presigner = S3Presigner.builder().region(Region.of(s3.region()))
                     .credentialsProvider(credentials(s3)).endpointOverride(front.endpoint())
                     .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
            List<Variant> variants = List.of(
                    new Variant("one CopyObject", store(s3, front, viaFront, presigner, 5L << 30, 64 * MIB), 5L << 30),
                    new Variant("parts of 64 MiB", store(s3, front, viaFront, presigner, 5 * MIB, 64 * MIB), 5 * MIB),
                    new Variant("parts of 16 MiB", store(s3, front, viaFront, presigner, 5 * MIB, 16 * MIB), 5 * MIB));
            Map<Long, String> staged = new LinkedHashMap<>();
            for (long size : sizes) {
                String key = "staging/bench-promote/" + size + "/upload.mp4";
                long start = System.nanoTime();
                // Seeded behind the front, as PurgeBench does: seeding is not what is measured.
                upstream.putObject(b -> b.bucket(s3.bucket()).key(key).contentType("video/mp4").contentLength(size),
                        RequestBody.fromContentProvider(() -> new Pattern(size), size, "video/mp4"));
                System.err.printf("[bench] staged %s in %.1f s%n", human(size), (System.nanoTime() - start) / 1e9);
                staged.put(size, key);
            }
            ObjectStore reader = variants.getFirst().store();
            Map<Long, String> etags = new LinkedHashMap<>();
            staged.forEach((size, key) -> etags.put(size, reader.head(key).orElseThrow().etag()));

            // Warm-up (JIT, connections): every variant copies the two small objects once, not counted.
            for (Variant v : variants) {
                for (long size : sizes.subList(0, 2)) {
                    copyOnce(v.store(), reader, staged.get(size), etags.get(size), size);
                }
            }
            Map<String, List<Double>> millis = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                for (long size : sizes) {
                    // Rotate which variant goes first, so drift in the machine's load lands on all of them.
                    for (int i = 0; i < variants.size(); i++) {
                        Variant v = variants.get((i + r) % variants.size());
                        if (v.inParts(size) || v == variants.getFirst()) { // below 5 MiB all make one CopyObject
                            TIMINGS.calls.clear();
                            millis.computeIfAbsent(v.name() + "|" + size, k -> new ArrayList<>())
                                    .add(copyOnce(v.store(), reader, staged.get(size), etags.get(size), size));
                            if (v.inParts(size)) {
                                double[] phases = TIMINGS.phases();
                                millis.computeIfAbsent(v.name() + "|parts|" + size, k -> new ArrayList<>())
                                        .add(phases[0]);
                                millis.computeIfAbsent(v.name() + "|complete|" + size, k -> new ArrayList<>())
                                        .add(phases[1]);
                            }
                        }
                    }
                }
                System.err.println("[bench] round " + (r + 1) + " of " + rounds + " done, load average "
                        + loadAverage());
            }

            System.out.printf("%n| staged object | %s | runs, ms in order |%n|---|%s---|%n",
                    String.join(" | ", variants.stream().map(v -> v.name() + ", ms (median)").toList()),
                    "---|".repeat(variants.size()));
            for (long size : sizes) {
                StringBuilder row = new StringBuilder("| " + human(size) + " |");
                List<String> runs = new ArrayList<>();
                for (Variant v : variants) {
                    List<Double> xs = millis.get(v.name() + "|" + size);
                    row.append(xs == null ? " — |" : String.format(" %.0f |", median(xs)));
                    if (xs != null) {
                        runs.add(v.name() + " " + fmt(xs));
                    }
                }
                System.out.println(row + " " + String.join("; ", runs) + " |");
            }
            for (Variant v : variants.subList(1, variants.size())) {
                for (long size : sizes.subList(1, sizes.size())) {
                    System.out.printf("%n%s, %s: part copies %.0f ms, CompleteMultipartUpload %.0f ms (medians)",
                            v.name(), human(size), median(millis.get(v.name() + "|parts|" + size)),
                            median(millis.get(v.name() + "|complete|" + size)));
                }
            }
            System.out.println();
            // The default configuration: one CopyObject up to 64 MiB, parts of 64 MiB above.
            double small = median(millis.get("one CopyObject|" + KIB));
            double single = median(millis.get("one CopyObject|" + (1L << 30)));
            double parts = median(millis.get("parts of 64 MiB|" + (1L << 30)));
            System.out.printf("%n1 GiB / 1 KiB with the default configuration (parts of 64 MiB, %d at a time, above "
                    + "64 MiB): %.0f / %.0f ms = **%.0f×**; with one CopyObject: %.0f / %.0f ms = %.0f×; "
                    + "parts / CopyObject at 1 GiB: %.2f%n",
                    CONCURRENCY, parts, small, parts / small, single, small, single / small, parts / single);
            System.err.println("[bench] load average at end: " + loadAverage());
        }
    }

    /** Copies, checks the target's size and type (and, for large ones, the last MiB), deletes it; milliseconds. */
    static double copyOnce(ObjectStore store, ObjectStore reader, String source, String etag, long size) {
        String target = "assets/bench-promote/" + System.nanoTime() + "/original";
        long start = System.nanoTime();
        store.copy(new CopySpec(source, etag, size, target, "video/mp4"));
        double ms = (System.nanoTime() - start) / 1e6;
        ObjectStore.ObjectInfo copied = reader.head(target).orElseThrow(() -> new IllegalStateException("no " + target));
        if (copied.size() != size || !"video/mp4".equals(copied.contentType())) {
            throw new IllegalStateException("copy of " + size + " bytes made " + copied);
        }
        int tail = (int) Math.min(size, MIB);
        byte[] last = reader.read(target, size - tail, tail).bytes();
        if (!Arrays.equals(last, Pattern.slice(size - tail, tail))) {
            throw new IllegalStateException("the copy's last " + tail + " bytes differ from the source's");
        }
        reader.delete(target);
        return ms;
    }

    static ObjectStore store(LocalS3Server s3, S3EventFront front, S3Client client, S3Presigner presigner,
                             long threshold, long partSize) {
        return new S3ObjectStore(client, presigner, new StorageSettings(s3.bucket(), s3.region(), front.endpoint(),
                s3.accessKey(), s3.secretKey(), true, threshold, partSize, CONCURRENCY));
    }

    static S3Client client(LocalS3Server s3, java.net.URI endpoint, Timings timings) {
        // As S3Clients builds the functions' client, plus the timings.
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.of(s3.region()))
                .credentialsProvider(credentials(s3)).httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.addExecutionInterceptor(timings)).build();
    }

    /** When each request of the copy being timed started and ended, to split a copy in parts into its phases. */
    static final class Timings implements ExecutionInterceptor {
        private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("bench-started");
        record Call(String operation, long started, long ended) {}
        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            calls.add(new Call(context.request().getClass().getSimpleName().replace("Request", ""),
                    attributes.getAttribute(STARTED), System.nanoTime()));
        }

        /** Milliseconds from the first part copy's start to the last one's end, and of the completion. */
        double[] phases() {
            List<Call> parts = calls.stream().filter(c -> c.operation().equals("UploadPartCopy")).toList();
            long first = parts.stream().mapToLong(Call::started).min().orElse(0);
            long last = parts.stream().mapToLong(Call::ended).max().orElse(0);
            Call complete = calls.stream().filter(c -> c.operation().equals("CompleteMultipartUpload")).findFirst()
                    .orElse(new Call("none", 0, 0));
            return new double[] {(last - first) / 1e6, (complete.ended() - complete.started()) / 1e6};
        }
    }

    static StaticCredentialsProvider credentials(LocalS3Server s3) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
    }

    /** The bytes of a staged object, made on the fly: byte {@code i} depends on {@code i} only. */
    static final class Pattern extends InputStream {
        private final long size;
        private long position;

        Pattern(long size) {
            this.size = size;
        }

        static byte at(long i) {
            return (byte) (i * 31 + (i >> 8) + (i >> 20));
        }

        static byte[] slice(long from, int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = at(from + i);
            }
            return bytes;
        }

        @Override
        public int read() {
            return position < size ? at(position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = at(position + i);
            }
            position += n;
            return n;
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String human(long size) {
        return size >= 1L << 30 ? (size >> 30) + " GiB" : size >= MIB ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
    }

    static double median(List<Double> xs) {
        return MultipartBench.median(xs);
    }

    static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.0f", x)).toList().toString();
    }
}
