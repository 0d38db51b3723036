package dev.stowage.localstack.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalLong;

/** Writes answers to the front's client: an upstream reply streamed back, or the front's own S3 error. */
final class Downstream {
    /** Enough for any S3 XML result; {@link Downstream#copy} keeps at most this much of a body. */
    static final int KEPT_BODY_LIMIT = 64 * 1024;

    private Downstream() {}

    /**
     * Sends {@code reply} to the exchange's client. If {@code kept} is not null, the start of the body is
     * also kept there, and upstream is read to its end even if the client went away, so the caller can
     * still learn the outcome (S3 can report a failed CompleteMultipartUpload in a 200 body).
     */
    static void copy(ClientExchange exchange, Upstream.Reply reply, ByteArrayOutputStream kept) throws IOException {
        OutputStream out = exchange.out();
        int status = reply.status();
        Wire.writeLine(out, "HTTP/1.1 " + status + " " + reply.reason());
        var hop = new HopByHop(reply.headers().allValues("Connection"));
        boolean chunked = reply.headers().allValues("Transfer-Encoding").stream()
                .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
        boolean bodyless = exchange.method().equals("HEAD") || status == 204 || status == 304;
        for (var header : reply.headers().map().entrySet()) {
            // Content-Length passes for a HEAD (the object's length) and for a body we relay byte for byte.
            if (hop.contains(header.getKey()) || (header.getKey().equalsIgnoreCase("Content-Length") && chunked)) {
                continue;
            }
            for (String value : header.getValue()) {
                Wire.writeLine(out, header.getKey() + ": " + value);
            }
        }
        OptionalLong length = reply.headers().firstValueAsLong("Content-Length");
        if (!bodyless && chunked) {
            Wire.writeLine(out, "Transfer-Encoding: chunked");
        }
        // One request per connection; a body without framing (neither length nor chunks) ends with it.
        Wire.writeLine(out, "Connection: close");
        Wire.writeLine(out, "");
        try (reply; InputStream in = reply.body()) {
            if (bodyless || (length.isPresent() && length.getAsLong() == 0 && !chunked)) {
                out.flush();
                return;
            }
            OutputStream body = chunked ? Wire.chunking(out) : out;
            stream(in, body, kept);
            if (body != out) {
                body.close(); // the last chunk; the connection's own stream stays open
            }
            out.flush();
        }
    }

    private static void stream(InputStream in, OutputStream client, ByteArrayOutputStream kept) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        IOException clientGone = null;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (kept != null && kept.size() < KEPT_BODY_LIMIT) {
                kept.write(buffer, 0, Math.min(n, KEPT_BODY_LIMIT - kept.size()));
            }
            if (clientGone == null) {
                try {
                    client.write(buffer, 0, n);
                } catch (IOException e) {
                    clientGone = e;
                }
            }
            if (clientGone != null && (kept == null || kept.size() >= KEPT_BODY_LIMIT)) {
                break;
            }
        }
        if (clientGone != null) {
            throw clientGone;
        }
    }

    /** Answers 502 in S3's error format when the S3 server cannot be reached. */
    static void badGateway(ClientExchange exchange, Exception cause) throws IOException {
        error(exchange.out(), 502, "Bad Gateway", "BadGateway", "S3 server unreachable: " + cause.getMessage());
    }

    /** S3's answer to a body that stopped arriving: after the idle period, 400 and the connection closed. */
    static void requestTimeout(ClientExchange exchange) throws IOException {
        error(exchange.out(), 400, "Bad Request", "RequestTimeout", "Your socket connection to the server was not "
                + "read from or written to within the timeout period. Idle connections will be closed.");
    }

    /** An error in S3's XML format, on a connection that closes after it. */
    static void error(OutputStream out, int status, String reason, String code, String message) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + escape(message) + "</Message><RequestId>" + S3Events.newRequestId() + "</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        Wire.writeLine(out, "HTTP/1.1 " + status + " " + reason);
        Wire.writeLine(out, "Content-Type: application/xml");
        Wire.writeLine(out, "Content-Length: " + body.length);
        Wire.writeLine(out, "Connection: close");
        Wire.writeLine(out, "");
        out.write(body);
        out.flush();
    }

    private static String escape(String text) {
        return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
