package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /health} says 503 while the stack starts, and 200 with what runs where once it is up. */
class HealthControllerTest {

    @Test
    void answers503WithRetryAfterUntilTheLauncherSaysReady() {
        var readiness = new Readiness();
        var health = new HealthController(readiness);

        var starting = health.health();
        assertEquals(503, starting.code());
        assertEquals("1", starting.getHeaders().get("Retry-After"));
        assertEquals("starting", starting.body().status());

        readiness.ready(Map.of("database", "jdbc:postgresql://localhost/stowage"));
        var up = health.health();
        assertEquals(200, up.code());
        assertEquals("ok", up.body().status());
        assertEquals("jdbc:postgresql://localhost/stowage", up.body().services().get("database"));
    }
}
