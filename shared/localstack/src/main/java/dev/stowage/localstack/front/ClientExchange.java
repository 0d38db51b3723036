package dev.stowage.localstack.front;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One request read off a client's connection, and that connection's output, for the front to answer.
 *
 * <p>The front speaks HTTP/1.1 itself (rather than through {@code com.sun.net.httpserver}) because S3's
 * answers depend on control that server does not give: it sends {@code 100 Continue} the moment it sees
 * {@code Expect}, before S3 has decided, and it has no idle timeout on a body that stops arriving. Every
 * read on the connection times out after {@code idle} of silence, like S3's 20 s.
 */
final class ClientExchange {
    static final long NO_BODY = -1;
    static final long CHUNKED = -2;

    private final Socket socket;
    private final String method;
    private final String rawTarget;
    private final URI uri;
    private final HttpHeaders headers;
    private final long declaredLength;
    private final InputStream body;
    private final OutputStream out;
    private boolean continued;

    private ClientExchange(Socket socket, String method, String rawTarget, URI uri, HttpHeaders headers,
                           long declaredLength, InputStream body, OutputStream out) {
        this.socket = socket;
        this.method = method;
        this.rawTarget = rawTarget;
        this.uri = uri;
        this.headers = headers;
        this.declaredLength = declaredLength;
        this.body = body;
        this.out = out;
    }

    /** A request that cannot be understood; the front answers it with S3's 400 and closes. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    /** The next request on {@code socket}, or empty when the client closed (or idled) before sending one. */
    static Optional<ClientExchange> read(Socket socket, Duration idle) throws IOException {
        socket.setSoTimeout(Math.toIntExact(idle.toMillis()));
        var in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        var out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        String requestLine;
        try {
            requestLine = Wire.readLine(in);
        } catch (EOFException | java.net.SocketTimeoutException e) {
            return Optional.empty();
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.") || parts[0].isEmpty()) {
            throw new Malformed("not an HTTP/1.1 request line");
        }
        URI uri;
        try {
            uri = new URI(parts[1]);
        } catch (URISyntaxException e) {
            throw new Malformed("the request target is not a valid URI");
        }
        HttpHeaders headers = Wire.readHeaders(in);
        long length = declaredLength(headers);
        InputStream body = length == CHUNKED ? Wire.chunked(in)
                : length == NO_BODY ? InputStream.nullInputStream() : Wire.fixed(in, length);
        return Optional.of(new ClientExchange(socket, parts[0], parts[1], uri, headers, length, body, out));
    }

    private static long declaredLength(HttpHeaders headers) throws Malformed {
        List<String> encoding = headers.allValues("Transfer-Encoding");
        if (!encoding.isEmpty()) {
            if (headers.firstValue("Content-Length").isPresent()) {
                throw new Malformed("both Content-Length and Transfer-Encoding"); // RFC 9112 §6.3: smuggling
            }
            if (encoding.stream().noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
                throw new Malformed("unsupported Transfer-Encoding");
            }
            return CHUNKED;
        }
        Optional<String> value = headers.firstValue("Content-Length");
        if (value.isEmpty()) {
            return NO_BODY;
        }
        try {
            long length = Long.parseLong(value.get().trim());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new Malformed("Content-Length is not a non-negative integer");
        }
    }

    String method() {
        return method;
    }

    /** The request target exactly as received (path and raw query). */
    String rawTarget() {
        return rawTarget;
    }

    URI uri() {
        return uri;
    }

    HttpHeaders headers() {
        return headers;
    }

    /** The body's length as declared (0 included: SigV4 may sign it), {@link #CHUNKED}, or {@link #NO_BODY}. */
    long declaredLength() {
        return declaredLength;
    }

    boolean hasBody() {
        return declaredLength > 0 || declaredLength == CHUNKED;
    }

    /** The body, de-chunked; reads time out after the idle period with a {@code SocketTimeoutException}. */
    InputStream body() {
        return body;
    }

    OutputStream out() {
        return out;
    }

    String remoteAddress() {
        return socket.getInetAddress().getHostAddress();
    }

    boolean expectsContinue() {
        return headers.allValues("Expect").stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"));
    }

    /** Tells a client waiting on {@code Expect: 100-continue} to send its body; once, and only if it asked. */
    void goAhead() throws IOException {
        if (expectsContinue() && !continued) {
            continued = true;
            Wire.writeLine(out, "HTTP/1.1 100 Continue");
            Wire.writeLine(out, "");
            out.flush();
        }
    }

    /**
     * Reads and drops what is left of a body the client is sending although the answer is already out
     * (it did not wait for {@code 100 Continue}). Closing with unread bytes in the socket makes the kernel
     * reset the connection, which can destroy the answer before the client reads it.
     */
    void discardRemainingBody() {
        if (!hasBody() || (expectsContinue() && !continued)) {
            return; // a client that waits for 100 Continue sends nothing after a final answer
        }
        try {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The client stopped sending or went away: nothing more to protect.
        }
    }
}
