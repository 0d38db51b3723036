package dev.stowage.localstack.front;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
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
import java.util.List;
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

    /** The reading client went away while its body was being relayed; there is no one to answer. */
    static final class ClientGone extends IOException {
        ClientGone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Sends the exchange's request upstream; the reply's body is still unread, to be streamed back. */
    Reply send(HttpExchange exchange) throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            var in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            var out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            Headers headers = exchange.getRequestHeaders();
            long length = contentLength(headers);
            boolean hasBody = length > 0 || length == CHUNKED;
            writeHead(exchange, out, length, hasBody);
            long sent = 0;
            HttpHeaders[] head = new HttpHeaders[1];
            int status;
            if (hasBody) {
                // Asking s3proxy first lets it refuse (bad signature, wrong Content-Type) before the
                // body streams to it; the JDK server has already told our client to go ahead.
                status = awaitContinue(socket, in, head);
                if (status == 100) {
                    try {
                        sent = sendBody(exchange.getRequestBody(), out, length);
                    } catch (ClientGone e) {
                        throw e;
                    } catch (IOException e) {
                        // s3proxy may answer (and hang up) before taking the whole body: relay that answer.
                        return readAfterRefusal(socket, exchange.getRequestMethod(), in, e);
                    }
                    status = readFinal(in, head);
                }
            } else {
                status = readFinal(in, head);
            }
            return new Reply(socket, status, head[0], body(exchange.getRequestMethod(), status, head[0], in), sent);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Reply readAfterRefusal(Socket socket, String method, InputStream in, IOException writeFailure)
            throws IOException {
        HttpHeaders[] head = new HttpHeaders[1];
        try {
            int status = readFinal(in, head);
            return new Reply(socket, status, head[0], body(method, status, head[0], in), 0);
        } catch (IOException e) {
            writeFailure.addSuppressed(e);
            throw writeFailure;
        }
    }

    private void writeHead(HttpExchange exchange, OutputStream out, long length, boolean hasBody) throws IOException {
        URI uri = exchange.getRequestURI();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Wire.writeLine(out, exchange.getRequestMethod() + " " + target + " HTTP/1.1");
        Headers headers = exchange.getRequestHeaders();
        var hop = new HopByHop(headers.get("Connection"));
        boolean clientExpects = false;
        for (var header : headers.entrySet()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("Expect")) {
                clientExpects = hasBody;
            }
            // Content-Length/Transfer-Encoding are written below from how we actually send the body.
            if (hop.contains(name) || name.equalsIgnoreCase("Content-Length")
                    || (name.equalsIgnoreCase("Expect") && !hasBody)) {
                continue;
            }
            for (String value : header.getValue()) {
                Wire.writeLine(out, name + ": " + value); // Host included: it is part of the signature
            }
        }
        if (!headers.containsKey("Host")) {
            Wire.writeLine(out, "Host: " + authority);
        }
        if (length >= 0) {
            Wire.writeLine(out, "Content-Length: " + length); // exactly the client's: SigV4 may sign it
        } else if (length == CHUNKED) {
            Wire.writeLine(out, "Transfer-Encoding: chunked");
        }
        if (hasBody && !clientExpects) {
            Wire.writeLine(out, "Expect: 100-continue"); // not signable in practice: SDKs exclude it
        }
        Wire.writeLine(out, "Connection: close"); // one request per connection: loopback connects are cheap
        Wire.writeLine(out, "");
        out.flush();
    }

    /** 100 when the body should be sent, otherwise the final status (already read into {@code head}). */
    private static int awaitContinue(Socket socket, InputStream in, HttpHeaders[] head) throws IOException {
        socket.setSoTimeout(CONTINUE_TIMEOUT_MILLIS);
        try {
            in.mark(1);
            if (in.read() < 0) {
                throw new IOException("S3 server closed the connection before answering");
            }
            in.reset();
        } catch (SocketTimeoutException silent) {
            return 100;
        } finally {
            socket.setSoTimeout(0);
        }
        int status = statusOf(Wire.readLine(in));
        head[0] = Wire.readHeaders(in);
        return status == 100 ? 100 : status < 200 ? readFinal(in, head) : status;
    }

    private static int readFinal(InputStream in, HttpHeaders[] head) throws IOException {
        while (true) {
            int status = statusOf(Wire.readLine(in));
            head[0] = Wire.readHeaders(in);
            if (status >= 200) {
                return status;
            }
        }
    }

    private static long sendBody(InputStream body, OutputStream socket, long length) throws IOException {
        OutputStream out = length == CHUNKED ? Wire.chunking(socket) : socket;
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

    private static int statusOf(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        return Integer.parseInt(parts[1]);
    }

    private static final long CHUNKED = -2;
    private static final long ABSENT = -1;

    private static long contentLength(Headers headers) {
        List<String> encoding = headers.get("Transfer-Encoding");
        if (encoding != null && !encoding.isEmpty()) {
            return CHUNKED; // the JDK server de-chunks it for us (and refuses Content-Length alongside)
        }
        String value = headers.getFirst("Content-Length");
        return value == null ? ABSENT : Long.parseLong(value.trim());
    }

    /** S3's answer: status, headers, and the body as a stream that must be closed. */
    record Reply(Socket socket, int status, HttpHeaders headers, InputStream body, long bytesSent)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
