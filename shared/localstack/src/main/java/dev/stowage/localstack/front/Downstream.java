package dev.stowage.localstack.front;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.OptionalLong;

/** Streams an upstream reply back to the front's client, status, headers and body. */
final class Downstream {
    /** Enough for any S3 XML result; {@link Downstream#copy} keeps at most this much of a body. */
    static final int KEPT_BODY_LIMIT = 64 * 1024;

    private Downstream() {}

    /**
     * Sends {@code response} to the exchange's client. If {@code kept} is not null, the start of the
     * body is also kept there, and upstream is read to its end even if the client went away, so the
     * caller can still learn the outcome (S3 can report a failed CompleteMultipartUpload in a 200 body).
     */
    static void copy(HttpExchange exchange, Upstream.Reply response, ByteArrayOutputStream kept)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        var hop = new HopByHop(response.headers().allValues("Connection"));
        response.headers().map().forEach((name, values) -> {
            // The JDK server writes its own framing (Content-Length or chunked) from sendResponseHeaders.
            if (!hop.contains(name) && !name.equalsIgnoreCase("content-length") && !name.startsWith(":")) {
                out.put(name, new ArrayList<>(values));
            }
        });
        int status = response.status();
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        long framing;
        if (exchange.getRequestMethod().equals("HEAD") || status == 304) {
            // No body follows, but the client must still see the object's length.
            length.ifPresent(n -> out.set("Content-Length", Long.toString(n)));
            framing = -1;
        } else if (status == 204 || status < 200) {
            framing = -1;
        } else if (length.isPresent()) {
            framing = length.getAsLong() == 0 ? -1 : length.getAsLong(); // JDK: -1 = empty, 0 = chunked
        } else {
            framing = 0;
        }
        try (response; InputStream in = response.body()) {
            exchange.sendResponseHeaders(status, framing);
            if (framing != -1) {
                stream(in, exchange.getResponseBody(), kept);
            }
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
    static void badGateway(HttpExchange exchange, Exception cause) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>BadGateway</Code><Message>"
                + "S3 server unreachable: " + escape(String.valueOf(cause.getMessage()))
                + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(502, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
