package dev.stowage.lambda.snapstart;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.stowage.lambda.wiring.CheckpointablePool;
import io.micronaut.context.ApplicationContext;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SnapStart runtime hook of an HTTP function. Before the snapshot: answers the function's synthetic requests
 * through its real handler (so the routes' beans are built and their code is loaded and compiled inside the
 * snapshot), warms what the requests cannot reach without a side effect, then closes every database pool, so no
 * socket is frozen into the snapshot. After a restore: lets the pools open again on the first request.
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

    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> function;
    private final ApplicationContext context;
    private final List<SyntheticRequest> requests;
    private final Consumer<ApplicationContext> localWork;
    private final List<String> answered = new ArrayList<>();

    public SnapStartPriming(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> function,
                            ApplicationContext context, List<SyntheticRequest> requests,
                            Consumer<ApplicationContext> localWork) {
        this.function = function;
        this.context = context;
        this.requests = List.copyOf(requests);
        this.localWork = localWork;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> crac) throws Exception {
        requireSnapSafeRandom(new SecureRandom().getAlgorithm());
        long started = System.nanoTime();
        for (SyntheticRequest request : requests) {
            APIGatewayV2HTTPResponse answer = function.handleRequest(request.event(), null);
            if (answer.getStatusCode() != request.expected()) {
                // Refusing the snapshot fails the version's publication: better than restoring a function that
                // cannot answer its own routes.
                throw new IllegalStateException("SnapStart priming: " + request + " answered "
                        + answer.getStatusCode() + ": " + answer.getBody());
            }
            synchronized (answered) {
                answered.add(request.method() + " " + request.path() + " " + answer.getStatusCode());
            }
        }
        localWork.accept(context);
        closePools();
        LOG.info("SnapStart priming: {} synthetic requests answered, pools closed, in {} ms", requests.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void afterRestore(Context<? extends Resource> crac) throws Exception {
        for (CheckpointablePool pool : pools()) {
            pool.reopen();
        }
    }

    /** What the synthetic requests were answered, in order, over every checkpoint so far (for tests and logs). */
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

    static void requireSnapSafeRandom(String defaultAlgorithm) {
        if (!SNAP_SAFE_RANDOM.contains(defaultAlgorithm)) {
            throw new IllegalStateException("SnapStart priming: the JVM's default SecureRandom is "
                    + defaultAlgorithm + ", whose state a snapshot would replay in every restored copy (UUIDs "
                    + "included); expected one of " + SNAP_SAFE_RANDOM + " (check securerandom.source)");
        }
    }
}
