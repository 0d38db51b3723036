package dev.stowage.local;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;

/** Liveness of the local stack: answers once every service behind it has started. */
@Controller
@Tag(name = "local", description = "The launcher's own routes: served by `./stowage local`, not on AWS")
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
