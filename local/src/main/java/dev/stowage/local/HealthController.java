package dev.stowage.local;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Map;

/** Liveness of the local stack: answers once every service behind it has started. */
@Controller
public class HealthController {

    @Serdeable
    record Health(String status, Map<String, String> services) {}

    private final LocalStack stack;

    HealthController(LocalStack stack) {
        this.stack = stack;
    }

    @Get("/health")
    Health health() {
        return new Health("ok", stack.describe());
    }
}
