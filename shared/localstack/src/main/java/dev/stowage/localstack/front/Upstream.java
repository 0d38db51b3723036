package dev.stowage.localstack.front;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Locale;

/**
 * Replays a request received by the front, unchanged, against the real S3 server, over a raw socket.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it refuses to send a caller-chosen {@code Host} unless
 * {@code jdk.httpclient.allowRestrictedHeaders} names it, and the JDK reads that property only once,
 * when the first HttpClient/HttpRequest is used in the JVM; {@code LocalS3Server}'s readiness probe
 * (or anything else) usually gets there first. The Host must be the client's because the client signed
 * the front's host:port and s3proxy recomputes SigV4 from the Host it receives.
 */
final class Upstream {
    // How long s3proxy may take to say "100 Continue" before the body is sent anyway (RFC 9110 §10.1.1).
    private static final int CONTINUE_TIMEOUT_MILLIS = 5_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final InetSocketAddress address;
    private final String authority;

    Upstream(URI base) {
        int port = base.getPort() > 0 ? base.getPort() : 80;
        if (!"http".equalsIgnoreCase(base.getScheme())) {
            throw new IllegalArgumentException("the S3 server must be plain http: " + base);
        }
        this.address = new InetSocketAddress(base.getHost(), port);
        this.authority = base.getRawAuthority();
    }

    /** The client stopped sending its body: it went away, or went silent for the idle period. */
    static final class ClientGone extends IOException {
        ClientGone(IOException cause) {
            super(cause.getMessage(), cause);
        }

        /** True when the client is still connected but sent nothing for the idle period. */
        boolean idle() {
            return getCause() instanceof SocketTimeoutException;
        }
    }

    /**
     * Sends the client's request upstream; the reply's body is still unread, to be streamed back. The
     * client is told to go ahead ({@code 100 Continue}) only once the S3 server has, so a refusal reaches it
     * before it sends a byte of body, as from S3 itself.
     */
    Reply send(ClientExchange exchange) throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            var in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            var out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            writeHead(exchange, out);
            long sent = 0;
            HeadReply[] head = new HeadReply[1];
            if (exchange.hasBody()) {
                // Asking s3proxy first lets it refuse (bad signature, wrong Content-Type) before the body
                // streams to it.
                if (awaitContinue(socket, in, head)) {
                    exchange.goAhead();
                    try {
                        sent = sendBody(exchange.body(), out, exchange.declaredLength());
                    } catch (ClientGone e) {
                        throw e;
                    } catch (IOException e) {
                        // s3proxy may answer (and hang up) before taking the whole body: relay that answer.
                        return readAfterRefusal(socket, exchange.method(), in, e);
                    }
                    head[0] = readFinal(in);
                }
            } else {
                head[0] = readFinal(in);
            }
            return new Reply(socket, head[0].status(), head[0].reason(), head[0].headers(),
                    body(exchange.method(), head[0].status(), head[0].headers(), in), sent);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Reply readAfterRefusal(Socket socket, String method, InputStream in, IOException writeFailure)
            throws IOException {
        try {
            HeadReply head = readFinal(in);
            return new Reply(socket, head.status(), head.reason(), head.headers(),
                    body(method, head.status(), head.headers(), in), 0);
        } catch (IOException e) {
            writeFailure.addSuppressed(e);
            throw writeFailure;
        }
    }

    private void writeHead(ClientExchange exchange, OutputStream out) throws IOException {
        Wire.writeLine(out, exchange.method() + " " + exchange.rawTarget() + " HTTP/1.1");
        HttpHeaders headers = exchange.headers();
        var hop = new HopByHop(headers.allValues("Connection"));
        boolean dropContentType = UnsignedFormType.applies(exchange);
        for (var header : headers.map().entrySet()) {
            String name = header.getKey();
            // Framing and Expect are written below from how we actually send the body.
            if (hop.contains(name) || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Expect")
                    || (dropContentType && name.equalsIgnoreCase("Content-Type"))) {
                continue;
            }
            for (String value : header.getValue()) {
                Wire.writeLine(out, name + ": " + value); // Host included: it is part of the signature
            }
        }
        if (headers.firstValue("Host").isEmpty()) {
            Wire.writeLine(out, "Host: " + authority);
        }
        long length = exchange.declaredLength();
        if (length >= 0) {
            Wire.writeLine(out, "Content-Length: " + length); // exactly the client's: SigV4 may sign it
        } else if (length == ClientExchange.CHUNKED) {
            Wire.writeLine(out, "Transfer-Encoding: chunked");
        }
        if (exchange.hasBody()) {
            Wire.writeLine(out, "Expect: 100-continue"); // not signable in practice: SDKs exclude it
        }
        Wire.writeLine(out, "Connection: close"); // one request per connection: loopback connects are cheap
        Wire.writeLine(out, "");
        out.flush();
    }

    /** A status line and its headers. */
    private record HeadReply(int status, String reason, HttpHeaders headers) {}

    /**
     * True when the body should be sent (S3 said 100, or stayed silent past the timeout); otherwise the
     * final answer is read into {@code head}.
     */
    private static boolean awaitContinue(Socket socket, InputStream in, HeadReply[] head) throws IOException {
        socket.setSoTimeout(CONTINUE_TIMEOUT_MILLIS);
        try {
            in.mark(1);
            if (in.read() < 0) {
                throw new IOException("S3 server closed the connection before answering");
            }
            in.reset();
        } catch (SocketTimeoutException silent) {
            return true;
        } finally {
            socket.setSoTimeout(0);
        }
        HeadReply first = readHead(in);
        if (first.status() == 100) {
            return true;
        }
        head[0] = first.status() < 200 ? readFinal(in) : first;
        return false;
    }

    private static HeadReply readFinal(InputStream in) throws IOException {
        while (true) {
            HeadReply head = readHead(in);
            if (head.status() >= 200) {
                return head;
            }
        }
    }

    private static HeadReply readHead(InputStream in) throws IOException {
        String statusLine = Wire.readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + statusLine, e);
        }
        return new HeadReply(status, parts.length == 3 ? parts[2] : "", Wire.readHeaders(in));
    }

    private static long sendBody(InputStream body, OutputStream socket, long length) throws IOException {
        OutputStream out = length == ClientExchange.CHUNKED ? Wire.chunking(socket) : socket;
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        while (true) {
            int n;
            try {
                n = body.read(buffer);
            } catch (IOException e) {
                throw new ClientGone(e);
            }
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            sent += n;
        }
        if (length >= 0 && sent != length) {
            throw new ClientGone(new IOException("client sent " + sent + " of " + length + " bytes"));
        }
        if (out != socket) {
            out.close(); // writes the last chunk; closing the socket's own stream would close the socket
        }
        socket.flush();
        return sent;
    }

    private static InputStream body(String method, int status, HttpHeaders headers, InputStream in) {
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        if (headers.allValues("Transfer-Encoding").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
            return Wire.chunked(in);
        }
        var length = headers.firstValueAsLong("Content-Length");
        return length.isPresent() ? Wire.fixed(in, length.getAsLong()) : in; // else: until we close
    }

    /** S3's answer: status, headers, and the body as a stream that must be closed. */
    record Reply(Socket socket, int status, String reason, HttpHeaders headers, InputStream body, long bytesSent)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
