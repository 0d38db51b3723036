package dev.stowage.local;

import dev.stowage.domain.port.ObjectStore;
import dev.stowage.functions.exportworker.ExportWorkerHandler;
import dev.stowage.functions.purger.PurgerHandler;
import dev.stowage.functions.relay.RelayHandler;
import dev.stowage.functions.uploadevents.UploadEventsHandler;
import dev.stowage.functions.variantworker.VariantWorkerHandler;
import dev.stowage.localstack.LocalPostgres;
import dev.stowage.localstack.LocalS3Server;
import dev.stowage.domain.StorageKeys;
import dev.stowage.localstack.front.S3EventFront;
import dev.stowage.localstack.mux.HttpWebhookSink;
import dev.stowage.localstack.mux.MuxEmulator;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every function in one JVM behind one HTTP port, on a real PostgreSQL and a real S3-compatible server.
 * Presigned URLs point at an S3 front that turns each completed upload into the S3 event AWS would send;
 * a local queue delivers it, wrapped in an SQS event, to the same {@link UploadEventsHandler} the
 * {@code upload-events} Lambda runs, and redelivers what fails as SQS would. A Mux emulator takes streaming
 * uploads; the real Mux adapter is pointed at it, and it posts its signed webhooks to this API.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    /** The wait before an S3 event's second delivery; it doubles for each later one (1, 2, 4, 8 s). */
    private static final Duration EVENT_BACKOFF = Duration.ofSeconds(1);
    /** Whom the launcher's printed token (and the upload page) acts for. */
    public static final String DEV_SUBJECT = "dev-user";
    private static final Duration DEV_TOKEN_TTL = Duration.ofDays(30);
    /** The dev token, minted once at start: the banner prints it and the upload page fills it in. */
    static final String DEV_TOKEN_PROPERTY = "stowage.local.dev-token";

    /**
     * Where and how to run. {@code dataDir} empty means everything is thrown away on close;
     * {@code purgeEvery} is the purger's schedule.
     */
    public record Options(int port, Optional<Path> dataDir, String jwtSecret, Duration purgeEvery) {
        public Options(int port, Optional<Path> dataDir, String jwtSecret) {
            this(port, dataDir, jwtSecret, Duration.ofMinutes(5));
        }
    }

    private final LocalPostgres postgres;
    private final LocalS3Server s3;
    private final S3EventFront front;
    private final MuxEmulator mux;
    private final LocalEventQueue events;
    private final LocalEventQueue variantWork;
    private final LocalEventQueue exportWork;
    private final ApplicationContext context;
    private final ScheduledExecutorService schedule;
    private final String devToken;
    private boolean closed;

    private LocalStack(LocalPostgres postgres, LocalS3Server s3, S3EventFront front, MuxEmulator mux,
                       LocalEventQueue events, LocalEventQueue variantWork, LocalEventQueue exportWork,
                       ApplicationContext context, ScheduledExecutorService schedule, String devToken) {
        this.postgres = postgres;
        this.s3 = s3;
        this.front = front;
        this.mux = mux;
        this.events = events;
        this.variantWork = variantWork;
        this.exportWork = exportWork;
        this.context = context;
        this.schedule = schedule;
        this.devToken = devToken;
    }

    private static final Duration RELAY_EVERY = Duration.ofSeconds(2);

    /** The purger's and the events relay's EventBridge schedules: the same handlers, fed the same scheduled event. */
    private static ScheduledExecutorService schedulePurges(ApplicationContext context, Options options) {
        PurgerHandler purger = new PurgerHandler(context);
        ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-purger");
            t.setDaemon(true);
            return t;
        });
        schedule.scheduleWithFixedDelay(() -> {
            try {
                var out = new ByteArrayOutputStream();
                purger.handleRequest(new ByteArrayInputStream(SCHEDULED_EVENT), out, null);
                LOG.info("purger: {}", out.toString(StandardCharsets.UTF_8));
            } catch (Exception e) {
                LOG.warn("purger run failed; the next one retries", e);
            }
        }, options.purgeEvery().toSeconds(), options.purgeEvery().toSeconds(), TimeUnit.SECONDS);
        // The events relay's schedule, tighter than AWS's minute: its publisher here logs each event and posts
        // it to stowage.events.webhook-url when that is set (EventsFactory).
        RelayHandler relay = new RelayHandler(context);
        schedule.scheduleWithFixedDelay(() -> {
            try {
                relay.handleRequest(new ByteArrayInputStream(SCHEDULED_EVENT), new ByteArrayOutputStream(), null);
            } catch (Exception e) {
                LOG.warn("events relay run failed; the next one retries", e);
            }
        }, RELAY_EVERY.toMillis(), RELAY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return schedule;
    }

    private static final byte[] SCHEDULED_EVENT =
            "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}"
                    .getBytes(StandardCharsets.UTF_8);

    public static LocalStack start(Options options) {
        LocalPostgres postgres = LocalPostgres.start(options.dataDir().map(d -> d.resolve("postgres")), 0);
        LocalS3Server s3;
        try {
            s3 = LocalS3Server.start(options.dataDir().map(d -> d.resolve("s3")), 0, LocalS3Server.DEFAULT_BUCKET);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        return start(options, postgres, s3);
    }

    /**
     * The stack over servers the caller chose (tests: a database and a bucket of their own on the test kit's
     * servers); they are closed with the stack, which stops nothing for a server someone else runs.
     */
    public static LocalStack start(Options options, LocalPostgres postgres, LocalS3Server s3) {
        return start(options, postgres, s3, UnaryOperator.identity());
    }

    /**
     * The same, with the configuration the stack computed handed to {@code configure} first: the soak puts fault
     * proxies before the database and the S3 front this way, and shortens leases and graces.
     */
    public static LocalStack start(Options options, LocalPostgres postgres, LocalS3Server s3,
                                   UnaryOperator<Map<String, Object>> configure) {
        // The front must exist before the API (presigned URLs name it); the API must exist before events
        // can be delivered. Events that arrive in between wait in the queue for the handler.
        AtomicReference<UploadEventsHandler> handler = new AtomicReference<>();
        AtomicReference<VariantWorkerHandler> worker = new AtomicReference<>();
        AtomicReference<ExportWorkerHandler> exportWorker = new AtomicReference<>();
        AtomicReference<ObjectStore> store = new AtomicReference<>();
        LocalEventQueue events = new LocalEventQueue(JsonMapper.createDefault(), handler::get, EVENT_BACKOFF,
                s3.region());
        // Variant work: promotion sends it here, the worker renders it in this JVM (stowage.variants.queue).
        // As many renders at once as there are cores (on AWS the trigger's MaximumConcurrency caps them): each
        // holds its original in memory, and a burst of uploads must not start hundreds.
        LocalEventQueue variantWork = new LocalEventQueue(JsonMapper.createDefault(), worker::get, EVENT_BACKOFF,
                s3.region(), "VariantQueue", Runtime.getRuntime().availableProcessors());
        // Export jobs (inventories too large to write in the API call): one at a time, as a small budget reserves.
        LocalEventQueue exportWork = new LocalEventQueue(JsonMapper.createDefault(), exportWorker::get, EVENT_BACKOFF,
                s3.region(), "ExportQueue", 1);
        S3EventFront front = S3EventFront.start(S3EventFront.Options
                .of(s3.endpoint(), 0, s3.bucket(), json -> deliver(events, json))
                .withRegion(s3.region())
                // template.yaml's two notification filters: uploads and staged files, one queue
                .withPrefixes(StorageKeys.STAGING, StorageKeys.STAGED_FILES)
                // A multipart completion's request does not carry the object's size; S3's event does.
                .withSizeLookup(key -> Optional.ofNullable(store.get()).flatMap(s -> s.head(key))
                        .map(info -> OptionalLong.of(info.size())).orElse(OptionalLong.empty())));
        // Mux's webhooks go to this API's webhook route once the API listens; until then the sink retries.
        AtomicReference<URI> webhooks = new AtomicReference<>();
        MuxEmulator mux = MuxEmulator.start(MuxEmulator.Options.of(0, new HttpWebhookSink(webhooks::get)));
        // A plain application context, not Micronaut.run: that registers a JVM shutdown hook of its own,
        // which deadlocks with the launcher's (each holds what the other waits for), so Ctrl-C hung.
        ApplicationContext context = ApplicationContext.builder()
                .mainClass(StowageLocal.class)
                .environments("local")
                .banner(false)
                .properties(configure.apply(properties(options, postgres, s3, front, mux)))
                .singletons(new LocalWorkQueue(JsonMapper.createDefault(), variantWork, exportWork))
                .start();
        try {
            store.set(context.getBean(ObjectStore.class));
            handler.set(new UploadEventsHandler(context));
            worker.set(new VariantWorkerHandler(context));
            exportWorker.set(new ExportWorkerHandler(context));
            LocalStack stack = new LocalStack(postgres, s3, front, mux, events, variantWork, exportWork, context,
                    schedulePurges(context, options), context.getRequiredProperty(DEV_TOKEN_PROPERTY, String.class));
            context.getBean(EmbeddedServer.class).start();
            webhooks.set(stack.apiUrl().resolve("/v1/streaming/webhooks/mux"));
            context.getBean(Readiness.class).ready(stack.describe());
            return stack;
        } catch (RuntimeException e) {
            events.close();
            variantWork.close();
            exportWork.close();
            try (postgres; s3; front; mux) {
                context.close();
            }
            throw e;
        }
    }

    private static Map<String, Object> properties(Options o, LocalPostgres pg, LocalS3Server s3, S3EventFront front,
                                                  MuxEmulator mux) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("micronaut.server.host", "127.0.0.1");
        p.put("micronaut.server.port", o.port() == 0 ? -1 : o.port());
        p.put("micronaut.server.cors.enabled", true);
        // Stop at once on Ctrl-C: nothing local is worth Netty's default 2 s of quiet before closing.
        p.put("micronaut.netty.event-loops.default.shutdown-quiet-period", "0s");
        p.put("micronaut.netty.event-loops.default.shutdown-timeout", "3s");
        // The API reference page and its scripts, generated into the jar at build time (docs/api.md).
        p.put("micronaut.router.static-resources.docs.paths", "classpath:META-INF/swagger/views/swagger-ui");
        p.put("micronaut.router.static-resources.docs.mapping", "/docs/**");
        p.put("datasources.default.url", pg.jdbcUrl());
        p.put("datasources.default.username", pg.username());
        p.put("datasources.default.password", pg.password());
        p.put("datasources.default.maximum-pool-size", 16);
        p.put("flyway.datasources.default.enabled", true);
        p.put("stowage.storage.endpoint", front.endpoint().toString());
        p.put("stowage.storage.region", s3.region());
        p.put("stowage.storage.access-key-id", s3.accessKey());
        p.put("stowage.storage.secret-access-key", s3.secretKey());
        p.put("stowage.storage.bucket", s3.bucket());
        p.put("stowage.storage.path-style", true);
        p.put("stowage.variants.queue", "local");
        p.put("stowage.local.jwt-secret", o.jwtSecret());
        p.put("stowage.exports.secret", exportSecret(o.jwtSecret()));
        // No CloudWatch here: the EMF lines (and the purger's report run that feeds them) would only be noise.
        p.put("stowage.metrics.emf", false);
        p.put("stowage.streaming.mux.base-url", mux.endpoint().toString());
        p.put("stowage.streaming.mux.token-id", mux.tokenId());
        p.put("stowage.streaming.mux.token-secret", mux.tokenSecret());
        p.put("stowage.streaming.mux.webhook-secret", mux.webhookSecret());
        p.put(DEV_TOKEN_PROPERTY, DevTokens.mint(o.jwtSecret(), DEV_SUBJECT, DEV_TOKEN_TTL));
        // The upload page at / and the Uppy bundle it uses; only the launcher serves pages.
        p.put("micronaut.router.static-resources.page.paths", "classpath:dev/stowage/local/page");
        p.put("micronaut.router.static-resources.page.mapping", "/**");
        return p;
    }

    /**
     * As on AWS, where the bucket notifies {@code UploadEventsQueue}: the S3 event becomes an SQS message,
     * and the queue invokes the handler with it and redelivers it until it succeeds or is dead-lettered.
     */
    private static void deliver(LocalEventQueue queue, String s3Event) {
        queue.send(s3Event);
    }

    public URI apiUrl() {
        return URI.create(context.getBean(EmbeddedServer.class).getURL().toString());
    }

    public URI s3Endpoint() {
        return front.endpoint();
    }

    /** The S3 server behind the event front: writes here emit no events (benchmarks seed through it). */
    public URI s3UpstreamEndpoint() {
        return s3.endpoint();
    }

    public String bucket() {
        return s3.bucket();
    }

    /** A bearer token for {@link #DEV_SUBJECT}, printed at start and filled into the upload page. */
    public String devToken() {
        return devToken;
    }

    public ApplicationContext context() {
        return context;
    }

    /** What runs where, for {@code /health} and the start-up banner. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("database", postgres.jdbcUrl());
        d.put("s3", front.endpoint() + " (bucket " + s3.bucket() + ", upstream " + s3.endpoint() + ")");
        d.put("mux", mux.endpoint() + " (Mux emulator: streaming uploads)");
        return d;
    }

    /** Stops the API, then the S3 front, s3proxy and PostgreSQL (a fast shutdown: its data stays consistent). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        schedule.shutdownNow();
        events.close(); // before the context: nothing is delivered to a closing handler
        variantWork.close();
        exportWork.close();
        try (postgres; s3; front; mux) {
            context.close();
        }
    }

    /**
     * The export signing secret, derived from the dev JWT secret (kept in the data directory) so download links
     * survive a restart as dev tokens do, yet neither secret can be used for the other's signatures.
     */
    static String exportSecret(String jwtSecret) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(
                    mac.doFinal("stowage exports".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
