package dev.stowage.bench;

import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.local.LocalStack;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issues 3 and 11: the purge rate for a backlog of expired sessions on the local stack, each with a staged asset
 * row. Half were abandoned before any upload ({@code signed}, past their expiry, nothing in staging): the purge
 * expires them and removes their assets. The other half are {@code expired} with their 1 KiB staged object still in
 * storage (what a run leaves when it dies between its SQL and its deletes, or bytes whose cleaning failed): the
 * purge deletes the objects and removes the assets. An open session whose bytes are in staging finished uploading
 * (its S3 event was lost) and is verified, not purged, so none is seeded. Sessions and assets are seeded in SQL,
 * objects straight into the S3 server; then one purge run is timed, and checked: the report's counts must be exactly
 * the seeded ones, and no seeded asset row or object may be left. CPU: what this JVM, s3proxy and PostgreSQL
 * used during the run (the local stack's background work, such as the events relay, included). Memory: the peak
 * heap in use during the run
 * (pools reset before it), to show it does not grow with the backlog (compare BENCH_PURGE_SESSIONS=2500, 10000 and
 * 50000).
 */
public final class PurgeBench {

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.purgeSessions", 10_000);
        int abandoned = sessions / 2;
        int withObjects = sessions - abandoned;
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        // No scheduled purge during the bench: the run measured is the only one.
        var options = new LocalStack.Options(0, Optional.empty(), secret, java.time.Duration.ofDays(1));
        try (LocalStack stack = LocalStack.start(options)) {
            var context = stack.context();
            // CPU of this JVM, s3proxy (its child) and PostgreSQL: steadier than wall time on a shared machine.
            Load.alsoCounted = LifecycleBench.postmaster(stack.describe().get("database"));
            DataSource ds = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
            try (Connection c = ds.getConnection()) {
                // One statement per table: staged assets, then their sessions (g <= abandoned: signed, past expiry,
                // nothing uploaded; the rest: already expired, bytes left in staging).
                c.createStatement().execute("""
                        INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key)
                        SELECT md5('a' || g)::uuid, 'bench', 'image', 'staged', 'f.jpg', 'image/jpeg', 1024,
                               'staging/' || md5('s' || g)::uuid || '/f.jpg'
                          FROM generate_series(1, %d) g""".formatted(sessions));
                c.createStatement().execute("""
                        INSERT INTO upload_sessions (id, owner, asset_id, profile, strategy, state, upload_key, filename,
                                                     content_type, byte_size, expires_at)
                        SELECT md5('s' || g)::uuid, 'bench', md5('a' || g)::uuid, 'image', 'presigned_put',
                               CASE WHEN g <= %d THEN 'signed' ELSE 'expired' END,
                               'staging/' || md5('s' || g)::uuid || '/f.jpg', 'f.jpg', 'image/jpeg', 1024,
                               now() - interval '1 hour'
                          FROM generate_series(1, %d) g""".formatted(abandoned, sessions));
                c.createStatement().execute("ANALYZE assets");
                c.createStatement().execute("ANALYZE upload_sessions");
            }
            // Straight into the S3 server: through the event front, each PUT's event would act on its session.
            var settings = context.getBean(dev.stowage.storage.s3.StorageSettings.class);
            S3Client upstream = S3Client.builder().endpointOverride(stack.s3UpstreamEndpoint()).forcePathStyle(true)
                    .region(Region.of(settings.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            settings.accessKeyId(), settings.secretAccessKey())))
                    .httpClient(UrlConnectionHttpClient.create())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
            byte[] kib = new byte[1024];
            List<String> keys = seedAll(ds, upstream, stack.bucket(),
                    "SELECT upload_key FROM upload_sessions WHERE owner = 'bench' AND state = 'expired'", kib);
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            long before = heapUsed();
            long cpuBefore = Load.cpuMillis();
            long[] splitBefore = cpuSplit();
            long start = System.nanoTime();
            PurgeAbandonedUploads.Report report = context.getBean(PurgeAbandonedUploads.class).run(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = Load.cpuMillis() - cpuBefore;
            long[] splitAfter = cpuSplit();
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            if (report.sessionsExpired() != abandoned || report.sessionsVerified() != 0
                    || report.residueSessions() != sessions || report.assetsDeleted() != sessions
                    || report.objectsDeleted() != withObjects || report.multipartAborted() != 0) {
                throw new IllegalStateException("the report is not the seeded backlog: " + report);
            }
            long left = leftovers(ds);
            var seeded = new java.util.HashSet<>(keys);
            long objectsLeft = upstream.listObjectsV2Paginator(b -> b.bucket(stack.bucket()).prefix("staging/"))
                    .contents().stream().filter(o -> seeded.contains(o.key())).count();
            if (left != 0 || objectsLeft != 0) {
                throw new IllegalStateException(left + " seeded sessions still hold an asset, " + objectsLeft
                        + " seeded objects are still in staging");
            }
            System.out.printf("%n| expired sessions (abandoned + with bytes) | run time s | sessions/s | objects deleted/s "
                    + "| CPU ms per session | heap before MiB | peak heap during run MiB |%n|---|---|---|---|---|---|---|%n"
                    + "| %d (%d + %d) | %.1f | %.0f | %.0f | %.2f | %d | %d |%n",
                    sessions, abandoned, withObjects, seconds, sessions / seconds, report.objectsDeleted() / seconds,
                    cpu / (double) sessions, before >> 20, peak >> 20);
            System.out.printf("%nCPU during the run, ms: this JVM (purge, S3 event front, events relay) %d, s3proxy %d,"
                    + " PostgreSQL %d%n", splitAfter[0] - splitBefore[0], splitAfter[1] - splitBefore[1],
                    splitAfter[2] - splitBefore[2]);
            System.out.println("report: " + report);
            stagedFiles(stack, ds, upstream, Integer.getInteger("bench.purgeStagedFiles", 5_000), kib);
        }
    }

    /**
     * Issue 11 item 4 for the staged-file registry: {@code n} expired entries, each of its own checksum with its 1 KiB
     * object under staged-files/, seeded as for the sessions; then one {@code PurgeStagedFiles} run is timed (its
     * expiry, then its orphan sweep over the prefix) and checked: every entry and object gone, each counted once.
     */
    static void stagedFiles(LocalStack stack, DataSource ds, S3Client upstream, int n, byte[] kib) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.createStatement().execute("""
                    INSERT INTO staged_files (id, principal, checksum_sha256, name, byte_size, storage_key, state,
                                              persist, ttl_seconds, expires_at)
                    SELECT md5('f' || g)::uuid, 'bench', encode(sha256(('f' || g)::bytea), 'hex'), 'f.bin', 1024,
                           'staged-files/' || encode(sha256(('f' || g)::bytea), 'hex'), 'present', false, 600,
                           now() - interval '1 hour'
                      FROM generate_series(1, %d) g""".formatted(n));
            c.createStatement().execute("ANALYZE staged_files");
        }
        seedAll(ds, upstream, stack.bucket(), "SELECT storage_key FROM staged_files WHERE principal = 'bench'", kib);
        long cpuBefore = Load.cpuMillis();
        long start = System.nanoTime();
        var report = stack.context().getBean(dev.stowage.domain.stagedfile.PurgeStagedFiles.class).run();
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = Load.cpuMillis() - cpuBefore;
        long objectsLeft = upstream.listObjectsV2Paginator(b -> b.bucket(stack.bucket()).prefix("staged-files/"))
                .contents().stream().count();
        if (report.entriesExpired() != n || report.objectsDeleted() != n || objectsLeft != 0) {
            throw new IllegalStateException("not the seeded backlog: " + report + ", " + objectsLeft + " objects left");
        }
        System.out.printf("%n| expired staged files (one checksum and object each) | run time s | files/s "
                + "| CPU ms per file |%n|---|---|---|---|%n| %d | %.1f | %.0f | %.2f |%n",
                n, seconds, n / seconds, cpu / (double) n);
        System.out.println("report: " + report);
    }

    /** CPU ms so far of this JVM, of its children (s3proxy), and of PostgreSQL with its backends. */
    static long[] cpuSplit() {
        long jvm = cpu(ProcessHandle.current());
        long children = ProcessHandle.current().descendants().mapToLong(PurgeBench::cpu).sum();
        long postgres = Load.alsoCounted.stream()
                .mapToLong(p -> cpu(p) + p.descendants().mapToLong(PurgeBench::cpu).sum()).sum();
        return new long[] {jvm, children, postgres};
    }

    static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(0L);
    }

    /** Seeded sessions that still name an asset: the purge must leave none. */
    static long leftovers(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection();
             var rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM upload_sessions WHERE owner = 'bench' AND asset_id IS NOT NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Puts {@code bytes} at every key the query names, four at a time; the keys. */
    static List<String> seedAll(DataSource ds, S3Client s3, String bucket, String keysQuery, byte[] bytes)
            throws Exception {
        List<String> keys = new ArrayList<>();
        try (Connection c = ds.getConnection(); var rs = c.createStatement().executeQuery(keysQuery)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> puts = new ArrayList<>();
            for (String key : keys) {
                puts.add(pool.submit(() -> seed(s3, bucket, key, bytes)));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        }
        return keys;
    }

    /** s3proxy now and then drops a pooled connection under parallel PUTs; seeding is not what is measured. */
    static void seed(S3Client s3, String bucket, String key, byte[] bytes) {
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(b -> b.bucket(bucket).key(key).contentType("image/jpeg"), RequestBody.fromBytes(bytes));
                return;
            } catch (RuntimeException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
