package dev.stowage.bench;

import dev.stowage.domain.Principal;
import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.local.LocalStack;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Issue 9: the asset inventory of N assets (default 1,000,000) as CSV, side by side in one run with
 * PostgreSQL's own {@code COPY (SELECT …) TO STDOUT WITH CSV} of the same columns: rows per second of each,
 * and the peak heap of this JVM while the export runs (run with -Xmx128m to hold it to the goal). The
 * export is measured twice: writing to a counting sink (the generator and cursor alone), and end to end
 * through {@link CreateExport} into the local S3 server (multipart, 8 MB parts).
 */
public final class ExportBench {
    static final String OWNER = "bench-exports";
    static final String COPY_SQL = """
            COPY (SELECT a.id, a.filename, coalesce(a.content_type, a.claimed_content_type), a.byte_size, a.width,
                         a.height, a.duration_ms, a.state, a.created_at,
                         (SELECT count(*) FROM attachments t WHERE t.asset_id = a.id)
                    FROM assets a WHERE a.owner = '%s' AND a.state <> 'deleted' ORDER BY a.created_at, a.id)
              TO STDOUT WITH CSV HEADER""".formatted(OWNER);

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.exportRows", 1_000_000);
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        // The bench measures writing inside the call; by default an inventory this large would be queued.
        System.setProperty("stowage.exports.sync-max-rows", Long.toString(Long.MAX_VALUE - 1));
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            var context = stack.context();
            DataSource ds = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
            try (Connection c = ds.getConnection()) {
                c.createStatement().execute("""
                        INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size,
                                            staging_key, storage_key, content_type, kind, width, height, created_at)
                        SELECT md5('e' || g)::uuid, '%s', 'image', 'ready', 'photo-' || g || '.jpg', 'image/jpeg',
                               1000 + g, 'staging/e' || g, 'assets/e' || g, 'image/jpeg', 'image', 640, 480,
                               now() - g * interval '1 second'
                          FROM generate_series(1, %d) g""".formatted(OWNER, n));
                c.createStatement().execute("ANALYZE assets");
            }
            AssetInventory inventory = context.getBean(AssetInventory.class);
            // One warm-up run of each (JIT, caches), then the measured runs.
            copy(ds);
            inventory.write(OWNER, AssetInventory.Filter.none(), ExportFormat.CSV, new Counting());

            long copyStart = System.nanoTime();
            long copyBytes = copy(ds);
            double copySeconds = (System.nanoTime() - copyStart) / 1e9;

            resetPeaks();
            var sink = new Counting();
            long start = System.nanoTime();
            long rows = inventory.write(OWNER, AssetInventory.Filter.none(), ExportFormat.CSV, sink);
            double seconds = (System.nanoTime() - start) / 1e9;
            long peakSink = peakHeap();

            resetPeaks();
            long endStart = System.nanoTime();
            var export = context.getBean(CreateExport.class).execute(new Principal(OWNER), new CreateExport.Command(
                    "inventory.csv", "csv", "text/csv", null, null, null, Map.of(),
                    new CreateExport.Source.Inventory(AssetInventory.Filter.none()), null)).orElseThrow();
            double endSeconds = (System.nanoTime() - endStart) / 1e9;
            long peakEnd = peakHeap();
            if (rows != n || export.rowCount().orElseThrow() != n) {
                throw new IllegalStateException("exported " + rows + " / " + export.rowCount() + " rows, not " + n);
            }
            System.out.printf("%n| rows | COPY rows/s | export to a sink rows/s | export / COPY | export into S3 rows/s "
                    + "| CSV MB (COPY / export) | peak heap MiB (sink / S3) | max heap MiB |%n"
                    + "|---|---|---|---|---|---|---|---|%n| %d | %.0f | %.0f | %.0f%% | %.0f | %.1f / %.1f | %d / %d | %d |%n",
                    n, n / copySeconds, rows / seconds, 100 * copySeconds / seconds, n / endSeconds,
                    copyBytes / 1e6, sink.count / 1e6, peakSink >> 20, peakEnd >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    static long copy(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection()) {
            var out = new Counting();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut(COPY_SQL, out);
            return out.count;
        }
    }

    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Discards what it is given and counts it. */
    static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
