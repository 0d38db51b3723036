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
 * Issue 3: the purge rate for 10,000 expired sessions, each with a staged object, on the local stack.
 * Sessions and staged assets are seeded in SQL, objects through the store; then one purge run is timed.
 * Memory: the peak heap in use during the run (pools reset before it), to show it does not grow with
 * the backlog (compare BENCH_PURGE_SESSIONS=2500 with 10000).
 */
public final class PurgeBench {

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.purgeSessions", 10_000);
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            var context = stack.context();
            DataSource ds = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
            try (Connection c = ds.getConnection()) {
                // One statement per table: staged assets and their expired, signed sessions.
                c.createStatement().execute("""
                        INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key)
                        SELECT md5('a' || g)::uuid, 'bench', 'image', 'staged', 'f.jpg', 'image/jpeg', 1024,
                               'staging/' || md5('s' || g)::uuid || '/f.jpg'
                          FROM generate_series(1, %d) g""".formatted(sessions));
                c.createStatement().execute("""
                        INSERT INTO upload_sessions (id, owner, asset_id, profile, strategy, state, upload_key, filename,
                                                     content_type, byte_size, expires_at)
                        SELECT md5('s' || g)::uuid, 'bench', md5('a' || g)::uuid, 'image', 'presigned_put', 'signed',
                               'staging/' || md5('s' || g)::uuid || '/f.jpg', 'f.jpg', 'image/jpeg', 1024,
                               now() - interval '1 hour'
                          FROM generate_series(1, %d) g""".formatted(sessions));
            }
            // Seeded behind the event front: through it, each PUT's S3 event would verify its session first.
            var settings = context.getBean(dev.stowage.storage.s3.StorageSettings.class);
            S3Client upstream = S3Client.builder().endpointOverride(stack.s3UpstreamEndpoint()).forcePathStyle(true)
                    .region(Region.of(settings.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            settings.accessKeyId(), settings.secretAccessKey())))
                    .httpClient(UrlConnectionHttpClient.create())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
            byte[] kib = new byte[1024];
            List<String> keys = new ArrayList<>();
            try (Connection c = ds.getConnection();
                 var rs = c.createStatement().executeQuery("SELECT upload_key FROM upload_sessions WHERE owner = 'bench'")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<?>> puts = new ArrayList<>();
                for (String key : keys) {
                    puts.add(pool.submit(() -> seed(upstream, stack.bucket(), key, kib)));
                }
                for (Future<?> f : puts) {
                    f.get();
                }
            }
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            long before = heapUsed();
            long start = System.nanoTime();
            PurgeAbandonedUploads.Report report = context.getBean(PurgeAbandonedUploads.class).run(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            if (report.sessionsExpired() != sessions || report.objectsDeleted() != sessions) {
                throw new IllegalStateException("purge did not clean the seeded backlog: " + report);
            }
            System.out.printf("%n| expired sessions | run time s | sessions/s | objects deleted/s | heap before MiB "
                    + "| peak heap during run MiB |%n|---|---|---|---|---|---|%n| %d | %.1f | %.0f | %.0f | %d | %d |%n",
                    sessions, seconds, sessions / seconds, report.objectsDeleted() / seconds,
                    before >> 20, peak >> 20);
            System.out.println("report: " + report);
        }
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
