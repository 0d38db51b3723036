package dev.stowage.testkit.faults;

import java.time.Duration;

/** What a {@link FaultProxy} does to the traffic a rule matched, instead of forwarding it faithfully. */
public sealed interface Fault {

    /** Which way bytes flow through the proxy. */
    enum Direction { TO_TARGET, TO_CLIENT }

    /**
     * Resets the client's connection (RST, not FIN) before a byte of it reaches the target; for a connection rule
     * the target is never dialled, which is what a client sees of a refused or crashed server.
     */
    record Refuse() implements Fault {}

    /** Forwards {@code afterBytes} more bytes in {@code direction}, then resets both sides mid-stream. */
    record Reset(Direction direction, long afterBytes) implements Fault {
        public Reset {
            if (afterBytes < 0) {
                throw new IllegalArgumentException("afterBytes must not be negative, got " + afterBytes);
            }
        }
    }

    /** Holds the connection (or the matched bytes) this long before forwarding: a slow network or server. */
    record Delay(Duration duration) implements Fault {}

    /**
     * Answers an HTTP request itself instead of forwarding it, then closes the connection: the request's own
     * body is read first (unless the client waits for {@code 100 Continue}), as a server answering early does.
     */
    record Answer(int status, String reason, String contentType, String body) implements Fault {}

    static Fault refuse() {
        return new Refuse();
    }

    static Fault resetAfter(Direction direction, long bytes) {
        return new Reset(direction, bytes);
    }

    static Fault delay(Duration duration) {
        return new Delay(duration);
    }

    /** S3's throttling answer, with its XML error body. */
    static Fault s3SlowDown() {
        return s3Error(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
    }

    /** S3's generic server error, with its XML error body. */
    static Fault s3InternalError() {
        return s3Error(500, "Internal Server Error", "InternalError",
                "We encountered an internal error. Please try again.");
    }

    private static Fault s3Error(int status, String reason, String code, String message) {
        return new Answer(status, reason, "application/xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>%s</Code><Message>%s</Message><RequestId>FAULTPROXY</RequestId>\
                <HostId>fault-proxy</HostId></Error>""".formatted(code, message));
    }
}
