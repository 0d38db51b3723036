package dev.stowage.local;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;

/** Liveness of the local stack: 503 while it starts, 200 once every service behind it is up. */
@Controller
@Tag(name = "local", description = "The launcher's own routes: served by `./stowage local`, not on AWS")
public class HealthController {

    @Serdeable
    record Health(String status, Map<String, String> services) {}

    private final Readiness readiness;

    HealthController(Readiness readiness) {
        this.readiness = readiness;
    }

    @Get("/health")
    HttpResponse<Health> health() {
        return readiness.services()
                .map(services -> HttpResponse.ok(new Health("ok", services)))
                .orElseGet(() -> HttpResponse.<Health>status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header("Retry-After", "1")
                        .body(new Health("starting", Map.of())));
    }
}
