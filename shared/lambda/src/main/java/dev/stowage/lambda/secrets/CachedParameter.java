package dev.stowage.lambda.secrets;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One secret parameter, read on first use (never at start-up) and kept for {@code ttl}, so a rotation
 * reaches warm functions within that time. A read that fails, or a value {@code parse} refuses, is
 * {@code unavailable} (a 503 to retry) and is itself kept for {@code failureTtl}, so a flood of retries
 * does not hammer the store. The value never reaches a log: a parse refusal's message names what is wrong
 * with it, not what it is.
 */
public final class CachedParameter<T> {
    private static final Logger LOG = Logger.getLogger(CachedParameter.class.getName());

    /** Reads a parameter's decrypted value; {@link SsmParameterStore#secureString} on AWS. */
    @FunctionalInterface
    public interface Source {
        String read(String name) throws SsmParameterStore.Unavailable;
    }

    /** What the value is for, as logs and answers name it: "export signing keys", "Mux access token". */
    private final String what;
    private final Source source;
    private final String name;
    private final Function<String, T> parse;
    private final ErrorCode unavailable;
    private final String detail;
    private final Clock clock;
    private final Duration ttl;
    private final Duration failureTtl;
    private Result<T> cached;
    private Instant cachedUntil = Instant.MIN;

    /**
     * {@code parse} throws {@link IllegalArgumentException} for a value that is not usable; {@code unavailable}
     * and {@code detail} are what callers get instead, for a failed read and for a refused value alike.
     */
    public CachedParameter(String what, Source source, String name, Function<String, T> parse,
                           ErrorCode unavailable, String detail, Clock clock, Duration ttl, Duration failureTtl) {
        this.what = what;
        this.source = source;
        this.name = name;
        this.parse = parse;
        this.unavailable = unavailable;
        this.detail = detail;
        this.clock = clock;
        this.ttl = ttl;
        this.failureTtl = failureTtl;
    }

    public synchronized Result<T> get() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cachedUntil)) {
            cached = fetch();
            cachedUntil = now.plus(cached instanceof Result.Ok<T> ? ttl : failureTtl);
        }
        return cached;
    }

    private Result<T> fetch() {
        String value;
        try {
            value = source.read(name);
        } catch (SsmParameterStore.Unavailable e) {
            LOG.log(Level.WARNING, what + ": " + e.getMessage());
            return Result.err(unavailable, detail);
        }
        try {
            return Result.ok(parse.apply(value));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.SEVERE, what + ": parameter " + name + " " + e.getMessage());
            return Result.err(unavailable, detail);
        }
    }
}
