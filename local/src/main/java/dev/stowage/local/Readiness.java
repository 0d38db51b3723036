package dev.stowage.local;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/** Whether every part of the local stack is up: {@code /health} says 503 until the launcher says so. */
@Singleton
public class Readiness {
    private volatile Map<String, String> services;

    void ready(Map<String, String> services) {
        this.services = Map.copyOf(services);
    }

    /** What runs where, once everything is up. */
    Optional<Map<String, String>> services() {
        return Optional.ofNullable(services);
    }
}
