package dev.stowage.lambda.secrets;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.SigningKeys;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The export signing keys from one SSM parameter, read and cached by {@link CachedParameter} (first token
 * operation, then for {@code ttl}; a failure for {@code failureTtl}). The value is either the secret alone,
 * or during a rotation a JSON object
 * {@code {"current": "...", "previous": "...", "previousValidUntil": "2026-01-01T00:00:00Z"}}: one
 * parameter, so the new secret and the old one's window change together. A read that fails, or a value
 * that is not a usable secret, is {@code signing_unavailable} (a 503 to retry); nothing is ever signed with
 * a short or empty key.
 */
public final class ParameterSigningKeys implements SigningKeys {
    static final String UNAVAILABLE = "the export signing secret is unavailable; try again shortly";

    private final JsonMapper json;
    private final CachedParameter<Keys> parameter;

    public ParameterSigningKeys(CachedParameter.Source source, String name, JsonMapper json, Clock clock,
                                Duration ttl, Duration failureTtl) {
        this.json = json;
        this.parameter = new CachedParameter<>("export signing keys", source, name, this::parse,
                ErrorCode.SIGNING_UNAVAILABLE, UNAVAILABLE, clock, ttl, failureTtl);
    }

    @Override
    public Result<Keys> keys() {
        return parameter.get();
    }

    Keys parse(String value) {
        String v = value == null ? "" : value.strip();
        if (!v.startsWith("{")) {
            return new Keys(secret(v, "value"), Optional.empty(), Instant.MIN);
        }
        Map<?, ?> fields;
        try {
            fields = json.readValue(v, Map.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("starts with '{' but is not a JSON object");
        }
        byte[] current = secret(string(fields, "current"), "current");
        String previous = string(fields, "previous");
        if (previous.isEmpty()) {
            return new Keys(current, Optional.empty(), Instant.MIN);
        }
        String until = string(fields, "previousValidUntil");
        try {
            return new Keys(current, Optional.of(secret(previous, "previous")), Instant.parse(until));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("has previous but previousValidUntil is not an ISO-8601 instant");
        }
    }

    private static String string(Map<?, ?> fields, String field) {
        Object v = fields.get(field);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("has a " + field + " that is not a string");
        }
        return v == null ? "" : ((String) v).strip();
    }

    private static byte[] secret(String s, String field) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("has a " + field + " of " + bytes.length + " bytes; at least "
                    + MIN_SECRET_BYTES + " are required");
        }
        return bytes;
    }
}
