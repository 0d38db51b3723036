package dev.stowage.domain;

import java.util.Objects;

/**
 * The caller every read and write is scoped to: the JWT {@code sub} claim. It is the JDK's own
 * {@link java.security.Principal}, so tools that know that type (the OpenAPI generator) treat a
 * controller's caller argument as the authenticated caller, not as request input.
 */
public record Principal(String id) implements java.security.Principal {
    public Principal {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("principal id is blank");
        }
    }

    @Override
    public String getName() {
        return id;
    }
}
