package dev.stowage.localstack.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pass-through HTTP front for an S3-compatible server that emits the S3 event notifications the
 * server itself does not send: {@code ObjectCreated:Put}, {@code :Copy} and
 * {@code :CompleteMultipartUpload} for keys under some prefixes of one bucket (one notification filter each).
 *
 * <p>Clients sign their requests (and presigned URLs) for the front's host and port. Every request is
 * forwarded unchanged, Host header included, so the S3 server verifies those signatures as if it had
 * been addressed directly; bodies stream both ways and are never held in memory. Path-style only.
 * Each front delivers its events on one thread of its own, in the order the S3 server answered the
 * creations; closing it delivers what is pending and keeps nothing for the next front.
 */
public final class S3EventFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3EventFront.class);
    private static final ThreadFactory CONNECTION_THREADS = Thread.ofVirtual().name("s3-front-", 0).factory();
    /** How long S3 waits for a silent client mid-request before answering {@code 400 RequestTimeout}. */
    public static final Duration S3_IDLE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LINGER = Duration.ofSeconds(2);

    /**
     * How to run a front.
     *
     * @param upstream        the S3-compatible server, e.g. {@code http://127.0.0.1:9000}
     * @param port            the front's port on the loopback interface, 0 for any free one
     * @param bucket          the bucket whose object creations are notified
     * @param prefixes        only keys starting with one of these are notified, like S3 notification filters
     * @param region          the event's {@code awsRegion}
     * @param configurationId the event's {@code s3.configurationId} (the notification's name)
     * @param eventSink       receives each notification JSON, asynchronously, after the client's response, one
     *                        at a time and in the order the S3 server answered the creations
     * @param sizeLookup      the stored size of a key, for events whose request does not carry it (copy,
     *                        multipart completion); it runs with the event, off the request path
     * @param idleTimeout     how long a client may send nothing mid-request before it gets S3's
     *                        {@code 400 RequestTimeout} (S3: about 20 s)
     */
    public record Options(
            URI upstream,
            int port,
            String bucket,
            java.util.List<String> prefixes,
            String region,
            String configurationId,
            Consumer<String> eventSink,
            Function<String, OptionalLong> sizeLookup,
            Duration idleTimeout) {

        public Options {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(bucket, "bucket");
            prefixes = java.util.List.copyOf(prefixes);
            if (prefixes.isEmpty()) {
                throw new IllegalArgumentException("prefixes must name at least one prefix");
            }
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(configurationId, "configurationId");
            Objects.requireNonNull(eventSink, "eventSink");
            Objects.requireNonNull(sizeLookup, "sizeLookup");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
            }
        }

        /** Defaults: prefix {@code staging/}, region {@code us-east-1}, sizes unknown (0), S3's 20 s idle timeout. */
        public static Options of(URI upstream, int port, String bucket, Consumer<String> eventSink) {
            return new Options(upstream, port, bucket, java.util.List.of("staging/"), "us-east-1", "stowage-staging-uploads",
                    eventSink, key -> OptionalLong.empty(), S3_IDLE_TIMEOUT);
        }

        public Options withPrefix(String value) {
            return withPrefixes(value);
        }

        public Options withPrefixes(String... values) {
            return new Options(upstream, port, bucket, java.util.List.of(values), region, configurationId, eventSink,
                    sizeLookup, idleTimeout);
        }

        boolean notifies(String key) {
            return prefixes.stream().anyMatch(key::startsWith);
        }

        public Options withRegion(String value) {
            return new Options(upstream, port, bucket, prefixes, value, configurationId, eventSink, sizeLookup, idleTimeout);
        }

        public Options withConfigurationId(String value) {
            return new Options(upstream, port, bucket, prefixes, region, value, eventSink, sizeLookup, idleTimeout);
        }

        public Options withSizeLookup(Function<String, OptionalLong> value) {
            return new Options(upstream, port, bucket, prefixes, region, configurationId, eventSink, value, idleTimeout);
        }

        public Options withIdleTimeout(Duration value) {
            return new Options(upstream, port, bucket, prefixes, region, configurationId, eventSink, sizeLookup, value);
        }
    }

    private final Options options;
    private final Upstream upstream;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final EventLane events;

    private S3EventFront(Options options) throws IOException {
        this.options = options;
        this.upstream = new Upstream(options.upstream());
        this.server = new ServerSocket(options.port(), 128, InetAddress.getLoopbackAddress());
        this.events = new EventLane("s3-events-" + server.getLocalPort(), this::deliver);
        this.acceptor = Thread.ofPlatform().daemon().name("s3-front-accept").start(this::accept);
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
                    front.endpoint(), options.upstream(), options.bucket(), options.prefixes());
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the S3 event front on port " + options.port(), e);
        }
    }

    /** The URI clients use instead of the S3 server's, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return URI.create("http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the front's listening socket", e);
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                CONNECTION_THREADS.newThread(() -> serve(socket)).start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("S3 front: accept failed", e);
                }
            }
        }
    }

    /** One request per connection, then close: every answer says {@code Connection: close}. */
    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            Optional<ClientExchange> exchange = ClientExchange.read(socket, options.idleTimeout());
            if (exchange.isPresent()) {
                proxy(exchange.get());
            }
        } catch (ClientExchange.Malformed e) {
            try {
                Downstream.error(socket.getOutputStream(), 400, "Bad Request", "InvalidRequest", e.getMessage());
            } catch (IOException ignored) {
                // The client is gone; nothing to tell.
            }
        } catch (IOException e) {
            LOG.debug("S3 front: connection failed mid-exchange", e);
        } catch (RuntimeException e) {
            LOG.warn("S3 front: proxy failure", e);
        } finally {
            lingeringClose(socket);
            open.remove(socket);
        }
    }

    /**
     * Half-closes, then reads what the client still sends before closing: closing a socket with unread
     * bytes makes the kernel answer with a reset, which can destroy the response before the client reads
     * it (a client that sent its body without waiting for {@code 100 Continue}, or gave up waiting).
     */
    private static void lingeringClose(Socket socket) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(Math.toIntExact(LINGER.toMillis()));
            var in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long deadline = System.nanoTime() + LINGER.toNanos();
            while (in.read(buffer) >= 0 && System.nanoTime() < deadline) {
                // dropped
            }
        } catch (IOException e) {
            // Timed out, reset or already closed: the client had its chance to read the answer.
        } finally {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /**
     * Like S3, the notification is asynchronous to the request: it is queued once the response is out (or
     * the client gone: the object exists either way), and a failing sink cannot harm the proxy. Its place in
     * line is taken before the client can read the answer, so a request the client sends after it gets a
     * later place.
     */
    private void proxy(ClientExchange exchange) throws IOException {
        Optional<ObjectCreation> creation = ObjectCreation.of(exchange.method(), exchange.uri(), exchange.headers())
                .filter(c -> c.bucket().equals(options.bucket()) && options.notifies(c.key()));
        Upstream.Reply reply;
        try {
            reply = upstream.send(exchange);
        } catch (Upstream.ClientGone e) {
            if (e.idle()) {
                // The upstream request is abandoned with its socket: S3 stores nothing of a short body.
                Downstream.requestTimeout(exchange);
            }
            return;
        } catch (IOException e) {
            LOG.warn("{} {}: S3 server unreachable", exchange.method(), exchange.uri(), e);
            Downstream.badGateway(exchange, e);
            exchange.discardRemainingBody();
            return;
        }
        int status = reply.status();
        boolean created = creation.isPresent() && status / 100 == 2;
        // PUT's outcome is all in the status and headers; copy and completion put theirs in the body.
        var kept = created && !creation.get().eventName().equals(S3Events.PUT) ? new ByteArrayOutputStream() : null;
        EventLane.Slot slot = created ? events.reserve() : null;
        try {
            try {
                Downstream.copy(exchange, reply, kept);
                exchange.discardRemainingBody(); // a refusal that came before the body was all sent
            } catch (IOException e) {
                // The object exists even if the client missed the answer; S3 would still notify.
                LOG.debug("{} {}: response not fully delivered", exchange.method(), exchange.uri(), e);
            }
            if (slot != null) {
                slot.fill(Optional.of(new PendingEvent(creation.get(), Instant.now(), slot.sequencer(),
                        PendingEvent.principalOf(exchange.headers().firstValue("Authorization").orElse(null),
                                exchange.uri().getRawQuery()),
                        exchange.remoteAddress(), exchange.headers(), reply.headers(), reply.bytesSent(),
                        kept == null ? new byte[0] : kept.toByteArray())));
            }
        } finally {
            if (slot != null) {
                slot.fill(Optional.empty()); // no-op once filled; never leaves the events behind it waiting
            }
        }
    }

    private void deliver(PendingEvent event) {
        event.toJson(options.region(), options.configurationId(), options.sizeLookup()).ifPresent(options.eventSink());
    }
}
