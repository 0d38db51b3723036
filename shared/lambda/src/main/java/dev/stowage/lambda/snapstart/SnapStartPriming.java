package dev.stowage.lambda.snapstart;

import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.lambda.wiring.CheckpointablePool;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SnapStart runtime hook of every function. Before the snapshot: runs the function's {@link Primer} (an HTTP
 * function answers its synthetic requests through its real handler, a queue worker handles synthetic messages, so
 * the beans are built and their code is loaded and compiled inside the snapshot), then closes every database pool,
 * so no socket is frozen into the snapshot. After a restore: lets the pools open again on the first request.
 *
 * <p>Randomness: nothing of Stowage's holds a seeded generator. {@code UUID.randomUUID()} uses one JDK
 * {@link SecureRandom} for the whole JVM, possibly created before the snapshot; it is safe only because Linux's
 * default algorithm (NativePRNG) XORs every output with {@code /dev/urandom} bytes it reads again once they are
 * 100 ms old, so the hook refuses a snapshot when the JVM's default is a generator that would replay its state
 * (DRBG, SHA1PRNG) in every restored copy.
 */
public final class SnapStartPriming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    /** Default SecureRandom algorithms that read the kernel's pool on every call. */
    static final Set<String> SNAP_SAFE_RANDOM = Set.of("NativePRNG", "NativePRNGNonBlocking");
    /** A 16x16 JPEG (659 bytes) that {@link #probeSample} probes and {@link #renderSample} renders. */
    static final String PROBE_SAMPLE = "/dev/stowage/lambda/snapstart/priming.jpg";

    /**
     * A function's priming: drives its real path with synthetic input that changes nothing (no write, no network
     * call but the database's reads) and says what each input was answered. It throws when an answer is not the
     * expected one: refusing the snapshot fails the version's publication, better than restoring a function that
     * cannot handle its own input.
     */
    @FunctionalInterface
    public interface Primer {
        List<String> prime() throws Exception;

        /** Nothing to drive without a side effect (a scheduled run): the hook only closes and reopens the pools. */
        Primer NONE = List::of;
    }

    private final ApplicationContext context;
    private final Primer primer;
    private final List<String> answered = new ArrayList<>();

    private SnapStartPriming(ApplicationContext context, Primer primer) {
        this.context = context;
        this.primer = primer;
    }

    /**
     * The hook of a function whose handler holds {@code context}, registered with Lambda's runtime. Lambda's
     * context holds resources weakly: the caller keeps the returned hook as long as the handler lives.
     */
    public static SnapStartPriming register(ApplicationContext context, Primer primer) {
        SnapStartPriming hook = new SnapStartPriming(context, primer);
        Core.getGlobalContext().register(hook);
        return hook;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> crac) throws Exception {
        requireSnapSafeRandom(new SecureRandom().getAlgorithm());
        long started = System.nanoTime();
        List<String> answers = primer.prime();
        synchronized (answered) {
            answered.addAll(answers);
        }
        closePools();
        LOG.info("SnapStart priming: {} synthetic inputs answered, pools closed, in {} ms", answers.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void afterRestore(Context<? extends Resource> crac) throws Exception {
        for (CheckpointablePool pool : pools()) {
            pool.reopen();
        }
    }

    /** What the synthetic inputs were answered, in order, over every checkpoint so far (for tests and logs). */
    public List<String> answered() {
        synchronized (answered) {
            return List.copyOf(answered);
        }
    }

    private void closePools() {
        for (CheckpointablePool pool : pools()) {
            pool.closeForCheckpoint();
        }
    }

    private List<CheckpointablePool> pools() {
        List<CheckpointablePool> pools = new ArrayList<>();
        for (DataSource dataSource : context.getBeansOfType(DataSource.class)) {
            try {
                if (dataSource.isWrapperFor(CheckpointablePool.class)) {
                    pools.add(dataSource.unwrap(CheckpointablePool.class));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach the pool behind " + dataSource, e);
            }
        }
        return pools;
    }

    /**
     * Probes a small JPEG held in the jar, through the function's {@link MediaProbe}: local work (no I/O) that loads
     * and compiles what a first upload's analysis needs (the type sniffer's tables, the image readers), about 200 ms
     * of that analysis on a fresh JVM. What it did, for the hook's list; throws if the probe misreads the sample.
     */
    public static String probeSample(ApplicationContext context) {
        byte[] sample = sample();
        ProbeResult probed = context.getBean(MediaProbe.class).probe(sample, sample.length);
        return expect("probe " + probed.contentType() + " " + probed.width() + "x" + probed.height(),
                "probe image/jpeg 16x16");
    }

    /**
     * Renders the same JPEG into an 8x8 JPEG through the function's {@link VariantRenderer}: local work that loads
     * and compiles the renderer (libvips' bindings, or the Java one's decoders and scaler), 40-100 ms of a first
     * render on a fresh JVM. What it did; throws if the rendering is not the one asked for.
     */
    public static String renderSample(ApplicationContext context) {
        VariantRenderer renderer = context.getBean(VariantRenderer.class);
        VariantRenderer.Rendering rendered = renderer.render(sample(),
                new VariantSpec("snapstart-priming", 8, 8, VariantSpec.Fit.COVER, "jpeg", 80));
        return expect("render " + renderer.name() + " " + rendered.contentType() + " " + rendered.width() + "x"
                + rendered.height(), "render " + renderer.name() + " image/jpeg 8x8");
    }

    private static byte[] sample() {
        try (InputStream in = SnapStartPriming.class.getResourceAsStream(PROBE_SAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("SnapStart priming: " + PROBE_SAMPLE + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String expect(String seen, String expected) {
        if (!seen.equals(expected)) {
            throw new IllegalStateException("SnapStart priming: expected " + expected + ", got " + seen);
        }
        return seen;
    }

    static void requireSnapSafeRandom(String defaultAlgorithm) {
        if (!SNAP_SAFE_RANDOM.contains(defaultAlgorithm)) {
            throw new IllegalStateException("SnapStart priming: the JVM's default SecureRandom is "
                    + defaultAlgorithm + ", whose state a snapshot would replay in every restored copy (UUIDs "
                    + "included); expected one of " + SNAP_SAFE_RANDOM + " (check securerandom.source)");
        }
    }
}
