package dev.stowage.domain;

import java.util.Objects;

/** The caller every read and write is scoped to: the JWT {@code sub} claim. */
public record Principal(String id) {
    public Principal {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("principal id is blank");
        }
    }
}
