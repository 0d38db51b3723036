package dev.stowage.localstack.front;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pass-through HTTP front for an S3-compatible server that emits the S3 event notifications the
 * server itself does not send: {@code ObjectCreated:Put}, {@code :Copy} and
 * {@code :CompleteMultipartUpload} for keys under a prefix of one bucket.
 *
 * <p>Clients sign their requests (and presigned URLs) for the front's host and port. Every request is
 * forwarded unchanged, Host header included, so the S3 server verifies those signatures as if it had
 * been addressed directly; bodies stream both ways and are never held in memory. Path-style only.
 */
public final class S3EventFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3EventFront.class);
    private static final ThreadFactory EVENT_THREADS = Thread.ofVirtual().name("s3-event-", 0).factory();

    /**
     * How to run a front.
     *
     * @param upstream        the S3-compatible server, e.g. {@code http://127.0.0.1:9000}
     * @param port            the front's port on the loopback interface, 0 for any free one
     * @param bucket          the bucket whose object creations are notified
     * @param prefix          only keys starting with this are notified, like an S3 notification filter
     * @param region          the event's {@code awsRegion}
     * @param configurationId the event's {@code s3.configurationId} (the notification's name)
     * @param eventSink       receives each notification JSON, asynchronously, after the client's response
     * @param sizeLookup      the stored size of a key, for events whose request does not carry it (copy,
     *                        multipart completion); it runs with the event, off the request path
     */
    public record Options(
            URI upstream,
            int port,
            String bucket,
            String prefix,
            String region,
            String configurationId,
            Consumer<String> eventSink,
            Function<String, OptionalLong> sizeLookup) {

        public Options {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(configurationId, "configurationId");
            Objects.requireNonNull(eventSink, "eventSink");
            Objects.requireNonNull(sizeLookup, "sizeLookup");
        }

        /** Defaults: prefix {@code staging/}, region {@code us-east-1}, sizes unknown (0). */
        public static Options of(URI upstream, int port, String bucket, Consumer<String> eventSink) {
            return new Options(upstream, port, bucket, "staging/", "us-east-1", "stowage-staging-uploads",
                    eventSink, key -> OptionalLong.empty());
        }

        public Options withPrefix(String value) {
            return new Options(upstream, port, bucket, value, region, configurationId, eventSink, sizeLookup);
        }

        public Options withRegion(String value) {
            return new Options(upstream, port, bucket, prefix, value, configurationId, eventSink, sizeLookup);
        }

        public Options withConfigurationId(String value) {
            return new Options(upstream, port, bucket, prefix, region, value, eventSink, sizeLookup);
        }

        public Options withSizeLookup(Function<String, OptionalLong> value) {
            return new Options(upstream, port, bucket, prefix, region, configurationId, eventSink, value);
        }
    }

    private final Options options;
    private final Upstream upstream;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer server;

    private S3EventFront(Options options) throws IOException {
        this.options = options;
        this.upstream = new Upstream(options.upstream());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a front with default {@link Options} (prefix {@code staging/}). */
    public static S3EventFront start(URI upstream, int port, String bucket, Consumer<String> eventSink) {
        return start(Options.of(upstream, port, bucket, eventSink));
    }

    /** Starts a front; it serves until {@link #close()}. */
    public static S3EventFront start(Options options) {
        try {
            var front = new S3EventFront(options);
            LOG.info("S3 event front on {} -> {} (events for s3://{}/{}*)",
                    front.endpoint(), options.upstream(), options.bucket(), options.prefix());
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the S3 event front on port " + options.port(), e);
        }
    }

    /** The URI clients use instead of the S3 server's, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        PendingEvent pending = null;
        try (exchange) {
            pending = proxy(exchange);
        } catch (IOException e) {
            LOG.debug("{} {}: connection failed mid-exchange", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        } catch (RuntimeException e) {
            LOG.warn("{} {}: proxy failure", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
        // Like S3, the notification is asynchronous to the request: it starts once the response is out
        // (or the client gone: the object exists either way), and a failing sink cannot harm the proxy.
        if (pending != null) {
            PendingEvent event = pending;
            EVENT_THREADS.newThread(() -> deliver(event)).start();
        }
    }

    private PendingEvent proxy(HttpExchange exchange) throws IOException {
        Optional<ObjectCreation> creation = ObjectCreation.of(
                        exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders())
                .filter(c -> c.bucket().equals(options.bucket()) && c.key().startsWith(options.prefix()));
        Upstream.Reply reply;
        try {
            reply = upstream.send(exchange);
        } catch (Upstream.ClientGone e) {
            throw e;
        } catch (IOException e) {
            LOG.warn("{} {}: S3 server unreachable", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            Downstream.badGateway(exchange, e);
            return null;
        }
        int status = reply.status();
        boolean created = creation.isPresent() && status / 100 == 2;
        // PUT's outcome is all in the status and headers; copy and completion put theirs in the body.
        var kept = created && !creation.get().eventName().equals(S3Events.PUT) ? new ByteArrayOutputStream() : null;
        try (reply) {
            Downstream.copy(exchange, reply, kept);
        } catch (IOException e) {
            // The object exists even if the client missed the answer; S3 would still notify.
            LOG.debug("{} {}: response not fully delivered", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
        if (!created) {
            return null;
        }
        return new PendingEvent(creation.get(), Instant.now(), Sequencer.next(),
                PendingEvent.principalOf(exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestURI().getRawQuery()),
                exchange.getRemoteAddress().getAddress().getHostAddress(),
                HttpHeaders.of(exchange.getRequestHeaders(), (name, value) -> true),
                reply.headers(), reply.bytesSent(),
                kept == null ? new byte[0] : kept.toByteArray());
    }

    private void deliver(PendingEvent event) {
        try {
            event.toJson(options.region(), options.configurationId(), options.sizeLookup())
                    .ifPresent(options.eventSink());
        } catch (RuntimeException e) {
            LOG.warn("S3 event for {} not delivered", event.creation().key(), e);
        }
    }
}
