package dev.stowage.bench;

import dev.stowage.domain.streaming.ApplyProviderWebhook;
import dev.stowage.lambda.streaming.MuxSignature;
import dev.stowage.local.LocalStack;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Issue 10: Mux webhooks applied per second. N signed {@code video.asset.ready} events, each for its own
 * provider upload in {@code processing} (its streaming asset {@code staged}), through {@link ApplyProviderWebhook}
 * as the function calls it (signature check, JSON decode, the lookup and the compare-and-set moving the upload
 * and its asset to ready), against a floor of the same bodies' HMAC check ({@link MuxSignature#verify}) plus one
 * indexed UPDATE per event on one JDBC connection, same PostgreSQL. Every event changes a row on both sides:
 * each side gets fresh rows per round. Rounds alternate which side goes first; round 0 warms both up.
 */
public final class WebhookBench {

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.webhookEvents", 2_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        String secret = "bench-secret-that-is-at-least-32-bytes-long!!";
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), secret))) {
            var context = stack.context();
            DataSource ds = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
            ApplyProviderWebhook apply = context.getBean(ApplyProviderWebhook.class);
            byte[] key = context.getProperty("stowage.streaming.mux.webhook-secret", String.class).orElseThrow()
                    .getBytes(StandardCharsets.UTF_8);
            int slices = 2 * (rounds + 1);
            seed(ds, events * slices);

            System.out.printf("%n| round | applied events/s (use case) | floor HMAC + UPDATE/s | ratio |%n"
                    + "|---|---:|---:|---:|%n");
            double sumApply = 0;
            double sumFloor = 0;
            for (int round = 0; round <= rounds; round++) {
                int applyFrom = 2 * round * events;
                int floorFrom = applyFrom + events;
                double applyRate;
                double floorRate;
                if (round % 2 == 0) {
                    applyRate = applyRate(apply, key, applyFrom, events);
                    floorRate = floorRate(ds, key, floorFrom, events);
                } else {
                    floorRate = floorRate(ds, key, floorFrom, events);
                    applyRate = applyRate(apply, key, applyFrom, events);
                }
                if (round > 0) {
                    sumApply += applyRate;
                    sumFloor += floorRate;
                    System.out.printf("| %d | %.0f | %.0f | %.2f |%n", round, applyRate, floorRate,
                            applyRate / floorRate);
                }
            }
            System.out.printf("| mean | %.0f | %.0f | %.2f |%n", sumApply / rounds, sumFloor / rounds,
                    sumApply / sumFloor);
        }
    }

    /** Streaming assets staged and their Mux uploads processing, inserted in those states (no transition). */
    static void seed(DataSource ds, int n) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size,
                                        staging_key, ingest)
                    SELECT md5('w' || k)::uuid, 'bench-webhooks', 'video', 'staged', 'clip-' || k || '.mp4',
                           'video/mp4', 0, 'streaming/' || md5('w' || k)::uuid, 'streaming'
                      FROM generate_series(0, %d) k""".formatted(n - 1));
            s.execute("""
                    INSERT INTO provider_uploads (id, asset_id, principal, provider, provider_upload_id,
                                                  provider_asset_id, state)
                    SELECT md5('p' || k)::uuid, md5('w' || k)::uuid, 'bench-webhooks', 'mux', 'up-' || k,
                           'mux-asset-' || k, 'processing'
                      FROM generate_series(0, %d) k""".formatted(n - 1));
            s.execute("ANALYZE assets");
            s.execute("ANALYZE provider_uploads");
        }
    }

    /** A {@code video.asset.ready} as Mux sends it (shape of events/mux-webhook-video-asset-ready.json). */
    static byte[] body(int k) {
        return """
                {"type":"video.asset.ready","object":{"type":"asset","id":"mux-asset-%1$d"},\
                "id":"evt-%1$d","environment":{"name":"Production","id":"j0863n"},\
                "data":{"id":"mux-asset-%1$d","status":"ready","upload_id":"up-%1$d",\
                "playback_ids":[{"id":"playback-%1$d","policy":"public"}],"duration":23.857167,\
                "aspect_ratio":"16:9","max_stored_resolution":"HD",\
                "tracks":[{"type":"video","max_width":1920,"max_height":1080}],"created_at":"1700000000"},\
                "created_at":"2026-11-30T12:00:00.000000Z","attempts":[],"accessor_source":null,\
                "accessor":null,"request_id":null}""".formatted(k).getBytes(StandardCharsets.UTF_8);
    }

    /** Bodies and their headers, signed as Mux would just before the round (signing is Mux's cost). */
    record Signed(int k, byte[] body, String header) {}

    static List<Signed> signed(byte[] key, int from, int n) {
        long t = Instant.now().getEpochSecond();
        List<Signed> out = new ArrayList<>(n);
        for (int k = from; k < from + n; k++) {
            byte[] body = body(k);
            out.add(new Signed(k, body, MuxSignature.sign(key, t, body)));
        }
        return out;
    }

    static double applyRate(ApplyProviderWebhook apply, byte[] key, int from, int n) {
        List<Signed> batch = signed(key, from, n);
        long start = System.nanoTime();
        for (Signed e : batch) {
            var applied = apply.execute("mux", Optional.of(e.header()), e.body()).orElseThrow();
            if (!applied.changed()) {
                throw new IllegalStateException("event " + e.k() + " changed nothing: " + applied);
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** The least a webhook can cost: check its signature, move its row by the provider's unique index. */
    static double floorRate(DataSource ds, byte[] key, int from, int n) throws Exception {
        List<Signed> batch = signed(key, from, n);
        try (Connection c = ds.getConnection();
             PreparedStatement update = c.prepareStatement("""
                     UPDATE provider_uploads SET state = 'ready', playback_id = ?
                      WHERE provider = 'mux' AND provider_upload_id = ? AND state = 'processing'""")) {
            c.setAutoCommit(true);
            long start = System.nanoTime();
            for (Signed e : batch) {
                if (MuxSignature.verify(Optional.of(e.header()), e.body(), key, Instant.now(), Duration.ofMinutes(5))
                        != MuxSignature.Verdict.VALID) {
                    throw new IllegalStateException("floor: signature refused for " + e.k());
                }
                update.setString(1, "playback-" + e.k());
                update.setString(2, "up-" + e.k());
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("floor: no processing row for " + e.k());
                }
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }
}
