package dev.stowage.testkit.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that forwards to one target and, for the traffic a {@link Rule} picks, refuses, resets mid-stream,
 * delays, or (for an HTTP target) answers with an error of its own. Tests put it between the application and
 * PostgreSQL or the S3 server to show what the application does when the network or the server fails at one
 * precise step.
 *
 * <p>It listens on a free loopback port, serves each connection on virtual threads, and {@link #close()} resets
 * every open connection and waits for its threads: nothing outlives the test that started it.
 */
public final class FaultProxy implements AutoCloseable {

    /** A rule's firings when it should apply for as long as it is in place. */
    public static final int ALWAYS = Integer.MAX_VALUE;

    private static final int BUFFER = 16 * 1024;
    private static final int MAX_HEAD = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fault-proxy-", 0).factory());
        threads.execute(this::acceptLoop);
    }

    /** A proxy forwarding to {@code host:port}, listening on a free loopback port. */
    public static FaultProxy to(String host, int port) {
        try {
            return new FaultProxy(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a port for the fault proxy", e);
        }
    }

    /** A proxy forwarding to an HTTP endpoint's host and port. */
    public static FaultProxy to(URI endpoint) {
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
        return to(endpoint.getHost(), port);
    }

    /** A proxy forwarding to the server of a {@code jdbc:postgresql://host:port/db} URL. */
    public static FaultProxy toJdbc(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return to(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432);
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code endpoint} with its host and port replaced by this proxy's. */
    public URI through(URI endpoint) {
        return URI.create(endpoint.getScheme() + "://" + host() + ":" + port()
                + (endpoint.getRawPath() == null ? "" : endpoint.getRawPath()));
    }

    /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
    public String throughJdbc(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int slash = rest.indexOf('/');
        return "jdbc:postgresql://" + host() + ":" + port() + (slash < 0 ? "" : rest.substring(slash));
    }

    /** Applies {@code fault} to the next traffic {@code when} picks, once. */
    public Rule inject(When when, Fault fault) {
        return inject(when, fault, 1);
    }

    /** Applies {@code fault} to the next {@code times} pieces of traffic {@code when} picks ({@link #ALWAYS}). */
    public Rule inject(When when, Fault fault, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("a rule fires at least once, got " + times);
        }
        Rule rule = new Rule(when, fault, times, accepted.get());
        rules.add(rule);
        return rule;
    }

    /** Removes every rule: from now on traffic passes untouched. */
    public void heal() {
        rules.clear();
    }

    /** Resets every connection open now, as a server crash or a network partition would. */
    public void resetAll() {
        links.forEach(Link::abort);
    }

    /** Connections accepted since the proxy started. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections open right now. */
    public int openConnections() {
        return links.size();
    }

    /** True once {@link #close()} has reset every connection and every thread of the proxy has ended. */
    public boolean stopped() {
        return threads.isTerminated() && links.isEmpty();
    }

    @Override
    public void close() {
        closed = true;
        rules.clear();
        try {
            server.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
        resetAll();
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("fault proxy threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + host() + ":" + port() + " -> " + target + "]";
    }

    /** One injected fault, with the traffic it applies to and how many times it may still fire. */
    public static final class Rule {
        private final When when;
        private final Fault fault;
        private final AtomicInteger remaining;
        private final AtomicInteger fired = new AtomicInteger();
        private final int acceptedBefore;

        private Rule(When when, Fault fault, int times, int acceptedBefore) {
            this.when = when;
            this.fault = fault;
            this.remaining = new AtomicInteger(times);
            this.acceptedBefore = acceptedBefore;
        }

        /** How many times the fault was applied. */
        public int fired() {
            return fired.get();
        }

        private boolean take() {
            int left = remaining.getAndUpdate(r -> r == ALWAYS ? r : Math.max(0, r - 1));
            if (left > 0) {
                fired.incrementAndGet();
                return true;
            }
            return false;
        }

        @Override
        public String toString() {
            return when + " -> " + fault + " (fired " + fired + ")";
        }
    }

    private Optional<Fault> connectionFault(int index) {
        for (Rule rule : rules) {
            boolean picks = switch (rule.when) {
                case When.NthConnection n -> index == rule.acceptedBefore + n.n();
                case When.EveryConnection e -> true;
                case When.Bytes b -> false;
            };
            if (picks && rule.take()) {
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }

    private Optional<Fault> bytesFault(byte[] buffer, int length) {
        String chunk = null;
        for (Rule rule : rules) {
            if (rule.when instanceof When.Bytes b) {
                chunk = chunk != null ? chunk : When.text(buffer, length);
                if (b.matches().test(chunk) && rule.take()) {
                    return Optional.of(rule.fault);
                }
            }
        }
        return Optional.empty();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int index = accepted.incrementAndGet();
            Link link = new Link(client);
            links.add(link);
            try {
                threads.execute(() -> serve(link, index));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                link.abort(); // closing
                links.remove(link);
            }
        }
    }

    private void serve(Link link, int index) {
        try {
            Optional<Fault> fault = connectionFault(index);
            if (fault.isPresent()) {
                switch (fault.get()) {
                    case Fault.Refuse r -> {
                        link.abort();
                        return;
                    }
                    case Fault.Delay d -> Thread.sleep(d.duration());
                    case Fault.Reset r -> link.resetAt(r.direction(), r.afterBytes());
                    case Fault.Answer a -> {
                        InputStream in = link.client.getInputStream();
                        byte[] buffer = new byte[BUFFER];
                        int n = in.read(buffer);
                        if (n > 0) {
                            answer(link, buffer, n, a);
                        } else {
                            link.abort();
                        }
                        return;
                    }
                }
            }
            Socket upstream = new Socket();
            link.target = upstream;
            try {
                upstream.connect(target, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                link.abort(); // the target is down: the client sees its connection reset
                return;
            }
            var toTarget = threads.submit(() -> pump(link, Fault.Direction.TO_TARGET));
            pump(link, Fault.Direction.TO_CLIENT);
            toTarget.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a broken connection ends its link; the client sees what the network did
        } finally {
            link.close();
            links.remove(link);
        }
    }

    private Void pump(Link link, Fault.Direction direction) throws IOException, InterruptedException {
        boolean toTarget = direction == Fault.Direction.TO_TARGET;
        Socket from = toTarget ? link.client : link.target;
        Socket to = toTarget ? link.target : link.client;
        InputStream in;
        OutputStream out;
        try {
            in = from.getInputStream();
            out = to.getOutputStream();
        } catch (IOException e) {
            link.abort();
            return null;
        }
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                link.abort();
                return null;
            }
            if (n < 0) {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // the other side is gone already
                }
                return null;
            }
            if (toTarget) {
                Optional<Fault> fault = bytesFault(buffer, n);
                if (fault.isPresent()) {
                    switch (fault.get()) {
                        case Fault.Refuse r -> {
                            link.abort();
                            return null;
                        }
                        case Fault.Delay d -> Thread.sleep(d.duration());
                        case Fault.Reset r -> link.resetAt(r.direction(), r.afterBytes());
                        case Fault.Answer a -> {
                            answer(link, buffer, n, a);
                            return null;
                        }
                    }
                }
            }
            if (!link.forward(direction, out, buffer, n)) {
                return null;
            }
        }
    }

    /** Reads the rest of the request {@code first} starts, answers it with {@code a}, and closes the link. */
    private static void answer(Link link, byte[] first, int length, Fault.Answer a) throws IOException {
        InputStream in = link.client.getInputStream();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(first, 0, length);
        byte[] buffer = new byte[BUFFER];
        int headEnd;
        while ((headEnd = request.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0
                && request.size() < MAX_HEAD) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            request.write(buffer, 0, n);
        }
        String head = request.toString(StandardCharsets.ISO_8859_1);
        String lower = head.toLowerCase(Locale.ROOT);
        boolean waitsForContinue = lower.contains("\r\nexpect: 100-continue");
        long contentLength = contentLength(lower);
        if (headEnd >= 0 && !waitsForContinue && contentLength > 0) {
            long left = contentLength - (request.size() - headEnd - 4);
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        }
        byte[] body = head.startsWith("HEAD ") ? new byte[0] : a.body().getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 " + a.status() + " " + a.reason() + "\r\n"
                + "Content-Type: " + a.contentType() + "\r\n"
                + "Content-Length: " + a.body().getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "x-amz-request-id: FAULTPROXY\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = link.client.getOutputStream();
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        link.client.shutdownOutput();
        link.close();
    }

    private static long contentLength(String lowerHead) {
        int at = lowerHead.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return 0;
        }
        int end = lowerHead.indexOf("\r\n", at + 2);
        try {
            return Long.parseLong(lowerHead.substring(at + "\r\ncontent-length:".length(), end).trim());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** One client connection and, once dialled, its connection to the target. */
    private static final class Link {
        final Socket client;
        volatile Socket target;
        final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};
        final AtomicLong[] resetAt = {new AtomicLong(-1), new AtomicLong(-1)};

        Link(Socket client) {
            this.client = client;
        }

        void resetAt(Fault.Direction direction, long afterBytes) {
            int d = direction.ordinal();
            resetAt[d].set(forwarded[d].get() + afterBytes);
            if (afterBytes == 0 && direction == Fault.Direction.TO_TARGET) {
                abort();
            }
        }

        /** Writes what the reset budget allows; false once the link was reset. */
        boolean forward(Fault.Direction direction, OutputStream out, byte[] buffer, int length) {
            int d = direction.ordinal();
            long limit = resetAt[d].get();
            long sent = forwarded[d].get();
            int allowed = limit < 0 ? length : (int) Math.max(0, Math.min(length, limit - sent));
            try {
                out.write(buffer, 0, allowed);
                out.flush();
            } catch (IOException e) {
                abort();
                return false;
            }
            forwarded[d].addAndGet(allowed);
            if (limit >= 0 && sent + length >= limit) {
                abort();
                return false;
            }
            return true;
        }

        /** Resets both sides: RST, not an orderly close. */
        void abort() {
            for (Socket s : new Socket[] {client, target}) {
                if (s != null) {
                    try {
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        // already closed
                    }
                    closeQuietly(s);
                }
            }
        }

        void close() {
            closeQuietly(client);
            if (target != null) {
                closeQuietly(target);
            }
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
