package dev.stowage.domain.export;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Filenames;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates an export from inline bytes or the caller's asset inventory, written as it is produced. Small
 * ones are kept in the row; larger ones stream into {@code exports/<id>}. The row is recorded
 * {@code pending} (naming that key) before any byte is written and becomes {@code ready} only after storage
 * assembled the object. A crash in between leaves a pending row that the purger fails after
 * {@link ExportLimits#pendingLease()}, aborting any upload under its key and deleting any object, so there is
 * never a ready export without bytes nor an object no purge can find.
 */
public final class CreateExport {
    public static final int MAX_LABELS = 20;
    public static final int MAX_LABEL_KEY = 64;
    public static final int MAX_LABEL_VALUE = 256;
    public static final int MAX_CORRELATION_ID = 200;
    public static final int MAX_CONTENT_TYPE = 200;

    private final Exports exports;
    private final AssetInventory inventory;
    private final MultipartStore multipart;
    private final ObjectStore store;
    private final Clock clock;
    private final ExportLimits limits;

    public CreateExport(Exports exports, AssetInventory inventory, MultipartStore multipart, ObjectStore store,
                        Clock clock, ExportLimits limits) {
        this.exports = exports;
        this.inventory = inventory;
        this.multipart = multipart;
        this.store = store;
        this.clock = clock;
        this.limits = limits;
    }

    /** What the export is made of. */
    public sealed interface Source {
        record Inline(byte[] bytes) implements Source {}

        record Inventory(AssetInventory.Filter filter) implements Source {}
    }

    /** The request as decoded: nulls are absent fields, checked here. */
    public record Command(String filename, String format, String contentType, Long ttlSeconds, String workflowId,
                          String requestId, Map<String, String> labels, Source source) {}

    public Result<Export> execute(Principal caller, Command c) {
        Optional<String> bad = Filenames.problemWith(c.filename());
        if (bad.isPresent()) {
            return Result.err(ErrorCode.INVALID_FILENAME, bad.get());
        }
        Optional<ExportFormat> format = ExportFormat.parse(c.format());
        if (format.isEmpty()) {
            return Result.err(ErrorCode.UNKNOWN_FORMAT, "format must be csv, json or ndjson");
        }
        if (c.contentType() == null || c.contentType().isBlank() || c.contentType().length() > MAX_CONTENT_TYPE
                || !c.contentType().matches("[\\w.+-]+/[\\w.+-]+( *;[ \\w.+=\"-]*)*")) {
            return Result.err(ErrorCode.INVALID_FIELD, "contentType must be a media type such as text/csv");
        }
        Duration ttl = limits.defaultTtl();
        if (c.ttlSeconds() != null) {
            if (c.ttlSeconds() <= 0 || c.ttlSeconds() > limits.maxTtl().toSeconds()) {
                return Result.err(ErrorCode.INVALID_FIELD,
                        "ttlSeconds must be 1.." + limits.maxTtl().toSeconds());
            }
            ttl = Duration.ofSeconds(c.ttlSeconds());
        }
        for (String id : new String[] {c.workflowId(), c.requestId()}) {
            if (id != null && (id.isBlank() || id.length() > MAX_CORRELATION_ID
                    || id.codePoints().anyMatch(Character::isISOControl))) {
                return Result.err(ErrorCode.INVALID_FIELD, "workflowId and requestId must be 1.."
                        + MAX_CORRELATION_ID + " characters without control characters");
            }
        }
        Map<String, String> labels = c.labels() == null ? Map.of() : c.labels();
        if (labels.size() > MAX_LABELS || labels.entrySet().stream().anyMatch(e -> e.getKey().isEmpty()
                || e.getKey().length() > MAX_LABEL_KEY || e.getValue() == null
                || e.getValue().length() > MAX_LABEL_VALUE
                || (e.getKey() + e.getValue()).codePoints().anyMatch(Character::isISOControl))) {
            return Result.err(ErrorCode.INVALID_LABELS, "labels: at most " + MAX_LABELS + " string values, keys 1.."
                    + MAX_LABEL_KEY + " and values up to " + MAX_LABEL_VALUE + " characters");
        }
        if (c.source() == null) {
            return Result.err(ErrorCode.INVALID_FIELD, "either content or generator is required");
        }

        UUID id = UUID.randomUUID();
        // Whole seconds: the token signs the expiry, and the database keeps only microseconds.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String key = Export.keyOf(id);
        Export pending = new Export(id, caller.id(), c.filename(), format.get(), c.contentType(), ExportState.PENDING,
                0, "", c.source() instanceof Source.Inventory ? Optional.of(0L) : Optional.empty(), Optional.of(key),
                Optional.ofNullable(c.workflowId()),
                Optional.ofNullable(c.requestId()), Map.copyOf(labels), now, now.plus(ttl));
        exports.insertPending(pending);
        ExportSink sink = new ExportSink(multipart, key, c.contentType(), limits);
        ExportSink.Written written;
        Optional<Long> rows = Optional.empty();
        try {
            switch (c.source()) {
                case Source.Inline inline -> sink.write(inline.bytes(), 0, inline.bytes().length);
                case Source.Inventory inv -> rows = Optional.of(
                        inventory.write(caller.id(), inv.filter(), format.get(), sink));
            }
            written = sink.finish();
        } catch (RuntimeException e) {
            undo(sink, id, key);
            if (causedByTooLarge(e)) {
                return Result.err(ErrorCode.TOO_LARGE, "the export is larger than " + limits.maxBytes() + " bytes");
            }
            throw e;
        }
        if (!exports.markReady(id, written.byteSize(), written.checksumSha256(), rows, written.inline())) {
            // The purger failed it as abandoned while we wrote: its object is not ours to keep.
            store.delete(key);
            return Result.err(ErrorCode.STORAGE_UNAVAILABLE, "the export took longer than "
                    + limits.pendingLease() + " to write; try a smaller one");
        }
        Export ready = pending.ready(written.byteSize(), written.checksumSha256(), rows);
        return Result.ok(written.inline().isPresent() ? ready.inRow() : ready);
    }

    private void undo(ExportSink sink, UUID id, String key) {
        sink.abandon();
        if (sink.spilled()) {
            store.delete(key);
        }
        exports.delete(id);
    }

    private static boolean causedByTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExportSink.TooLarge) {
                return true;
            }
        }
        return false;
    }
}
