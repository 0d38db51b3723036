package dev.stowage.domain.event;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Outbox;
import java.util.List;
import java.util.Optional;

/** The caller's own lifecycle events after a cursor, oldest first: {@code GET /v1/events?after=&limit=}. */
public final class ListEvents {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;

    /** A page, and the cursor to pass as {@code after} for the next one (the last seq, or {@code after}). */
    public record Page(List<LifecycleEvent> events, long next) {}

    private final Outbox outbox;

    public ListEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public Result<Page> execute(Principal caller, Optional<String> after, Optional<String> limit) {
        long cursor;
        try {
            cursor = after.map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            return Result.err(ErrorCode.INVALID_CURSOR, "after must be a whole number, the seq of an event");
        }
        if (cursor < 0) {
            return Result.err(ErrorCode.INVALID_CURSOR, "after must not be negative");
        }
        int size;
        try {
            size = limit.map(Integer::parseInt).orElse(DEFAULT_LIMIT);
        } catch (NumberFormatException e) {
            return Result.err(ErrorCode.INVALID_FIELD, "limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        if (size < 1 || size > MAX_LIMIT) {
            return Result.err(ErrorCode.INVALID_FIELD, "limit must be from 1 to " + MAX_LIMIT);
        }
        List<LifecycleEvent> events = outbox.ofPrincipal(caller, cursor, size);
        return Result.ok(new Page(events, events.isEmpty() ? cursor : events.getLast().seq()));
    }
}
