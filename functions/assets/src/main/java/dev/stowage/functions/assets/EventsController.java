package dev.stowage.functions.assets;

import dev.stowage.domain.Principal;
import dev.stowage.domain.event.ListEvents;
import dev.stowage.lambda.http.ApiContract;
import dev.stowage.lambda.http.EventView;
import dev.stowage.lambda.http.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Optional;

/** The caller's own lifecycle events (the outbox), for clients that poll instead of subscribing to the bus. */
@ApiContract
@Controller("/v1/events")
public class EventsController {
    private final ListEvents list;

    public EventsController(ListEvents list) {
        this.list = list;
    }

    /** Oldest first, after the cursor {@code after} (a seq; the page's {@code next}), at most {@code limit}. */
    @Get
    @ApiResponse(responseCode = "200", description = "A page of events and the cursor for the next one",
            content = @Content(schema = @Schema(implementation = EventView.Page.class)))
    public HttpResponse<?> list(Principal caller, @Nullable @QueryValue String after, @Nullable @QueryValue String limit) {
        return Problems.respond(list.execute(caller, Optional.ofNullable(after), Optional.ofNullable(limit)),
                EventView.Page::of);
    }
}
