package dev.stowage.domain.stagedfile;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.StagedFiles;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the caller's registry: one entry, a page of entries in creation order with an opaque cursor to the
 * next page, or its metrics (Codex's {@code metrics}). Another principal's entry is not found, like a
 * missing one.
 */
public final class FindStagedFiles {
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    private final StagedFiles files;

    /** A page and, when more may follow, the cursor that continues after it. */
    public record Page(List<StagedFile> items, Optional<String> nextCursor) {}

    public FindStagedFiles(StagedFiles files) {
        this.files = files;
    }

    public Result<StagedFile> get(Principal caller, UUID id) {
        return files.find(caller, id).<Result<StagedFile>>map(Result::ok)
                .orElseGet(() -> Result.err(ErrorCode.STAGED_FILE_NOT_FOUND, "no staged file " + id));
    }

    public StagedFiles.Metrics metrics(Principal caller) {
        return files.metrics(caller);
    }

    public Result<Page> list(Principal caller, Integer limit, String cursor) {
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            return Result.err(ErrorCode.INVALID_FIELD, "limit must be from 1 to " + MAX_LIMIT);
        }
        Optional<StagedFiles.Position> after = Optional.empty();
        if (cursor != null && !cursor.isEmpty()) {
            after = decode(cursor);
            if (after.isEmpty()) {
                return Result.err(ErrorCode.INVALID_CURSOR, "cursor is not one this API returned");
            }
        }
        List<StagedFile> items = files.list(caller, after, n + 1);
        if (items.size() <= n) {
            return Result.ok(new Page(items, Optional.empty()));
        }
        List<StagedFile> page = items.subList(0, n);
        StagedFile last = page.getLast();
        return Result.ok(new Page(List.copyOf(page), Optional.of(encode(last.createdAt(), last.id()))));
    }

    static String encode(Instant createdAt, UUID id) {
        String plain = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<StagedFiles.Position> decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\.", 3);
            if (parts.length != 3) {
                return Optional.empty();
            }
            long nano = Long.parseLong(parts[1]);
            if (nano < 0 || nano > 999_999_999) {
                return Optional.empty();
            }
            return Optional.of(new StagedFiles.Position(Instant.ofEpochSecond(Long.parseLong(parts[0]), nano),
                    UUID.fromString(parts[2])));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
