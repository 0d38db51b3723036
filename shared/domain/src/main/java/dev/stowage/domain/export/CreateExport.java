package dev.stowage.domain.export;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Filenames;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.Text;
import dev.stowage.domain.port.AssetInventory;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates an export from inline bytes or the caller's asset inventory. Inline content, and an inventory of
 * at most {@link ExportLimits#syncMaxRows()} rows (counted with a bounded query), is written in the call: the
 * row is recorded {@code pending} (naming its key) before any byte is written and becomes {@code ready} only
 * after storage assembled the object; a crash in between leaves a pending row that the purger fails after
 * {@link ExportLimits#pendingLease()}, aborting any upload under its key and deleting any object. A larger
 * inventory, or any inventory the caller asks to be {@code async}, is recorded pending and queued, with its
 * filter, and an export job is sent: the export-worker writes it ({@link GenerateExport}) through the same
 * {@link ExportWriter}, and the answer is the pending export, which the client polls. A send that fails
 * changes nothing for the client: the purger sends the job again.
 */
public final class CreateExport {
    private static final Logger LOG = Logger.getLogger(CreateExport.class.getName());
    public static final int MAX_LABELS = 20;
    public static final int MAX_LABEL_KEY = 64;
    public static final int MAX_LABEL_VALUE = 256;
    public static final int MAX_CORRELATION_ID = 200;
    public static final int MAX_CONTENT_TYPE = 200;
    public static final int MAX_FILTER_NAME = 100;
    /** The range of the inventory's created bounds: four-digit years, which every timestamp conversion holds. */
    static final Instant EARLIEST_CREATED = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST_CREATED = Instant.parse("9999-12-31T23:59:59Z");

    private final Exports exports;
    private final AssetInventory inventory;
    private final WorkQueue work;
    private final Clock clock;
    private final ExportLimits limits;
    private final ExportWriter writer;
    private final ObjectStore store;

    public CreateExport(Exports exports, AssetInventory inventory, MultipartStore multipart, ObjectStore store,
                        WorkQueue work, Clock clock, ExportLimits limits) {
        this.exports = exports;
        this.inventory = inventory;
        this.work = work;
        this.clock = clock;
        this.limits = limits;
        this.writer = new ExportWriter(exports, inventory, multipart, store, limits);
        this.store = store;
    }

    /** What the export is made of. */
    public sealed interface Source {
        record Inline(byte[] bytes) implements Source {}

        record Inventory(AssetInventory.Filter filter) implements Source {}
    }

    /** The request as decoded: nulls are absent fields, checked here. {@code async} true queues a generator. */
    public record Command(String filename, String format, String contentType, Long ttlSeconds, String workflowId,
                          String requestId, Map<String, String> labels, Source source, Boolean async) {}

    /** The export: ready when it was written in the call, pending when it was queued. */
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
                || !Text.isStorable(e.getKey() + e.getValue()))) {
            return Result.err(ErrorCode.INVALID_LABELS, "labels: at most " + MAX_LABELS + " string values, keys 1.."
                    + MAX_LABEL_KEY + " and values up to " + MAX_LABEL_VALUE + " characters");
        }
        if (c.source() == null) {
            return Result.err(ErrorCode.INVALID_FIELD, "either content or generator is required");
        }
        if (c.source() instanceof Source.Inventory inv) {
            Optional<String> badFilter = problemWith(inv.filter());
            if (badFilter.isPresent()) {
                return Result.err(ErrorCode.INVALID_FIELD, badFilter.get());
            }
        }
        if (Boolean.TRUE.equals(c.async()) && !(c.source() instanceof Source.Inventory)) {
            return Result.err(ErrorCode.INVALID_FIELD, "async applies to a generator; content is written at once");
        }

        UUID id = UUID.randomUUID();
        // Whole seconds: the token signs the expiry, and the database keeps only microseconds.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String key = Export.keyOf(id);
        Export pending = new Export(id, caller.id(), c.filename(), format.get(), c.contentType(), ExportState.PENDING,
                0, "", c.source() instanceof Source.Inventory ? Optional.of(0L) : Optional.empty(), Optional.of(key),
                Optional.ofNullable(c.workflowId()),
                Optional.ofNullable(c.requestId()), Map.copyOf(labels), now, now.plus(ttl), Optional.empty());
        if (c.source() instanceof Source.Inventory inv && (Boolean.TRUE.equals(c.async())
                || inventory.count(caller.id(), inv.filter(), limits.syncMaxRows() + 1) > limits.syncMaxRows())) {
            exports.insertQueued(pending, inv.filter());
            try {
                work.enqueueExport(new ExportJob(id));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not send export " + id + " to the queue; the purger sends it again", e);
            }
            return Result.ok(pending);
        }
        exports.insertPending(pending);
        Result<Export> written;
        try {
            written = writer.write(pending, c.source(), Optional.empty());
        } catch (RuntimeException e) {
            // The row goes, and with it any bytes already stored under its key (a failure after the write,
            // marking it ready): nothing would ever name them. If the row cannot go, the purger fails it once
            // its lease runs out and removes its object then.
            if (exports.delete(id)) {
                try {
                    store.delete(key);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        if (written instanceof Result.Err<Export> err && err.code() == ErrorCode.TOO_LARGE) {
            exports.delete(id);
        }
        return written;
    }

    /**
     * Why the inventory's filters cannot be a query: a profile or state the database cannot hold as text, or a
     * created bound outside the years a timestamp column holds (1e16 seconds overflowed the driver's conversion).
     */
    static Optional<String> problemWith(AssetInventory.Filter filter) {
        for (Optional<String> name : List.of(filter.profile(), filter.state())) {
            if (name.isPresent() && (name.get().isBlank() || name.get().length() > MAX_FILTER_NAME
                    || !Text.isStorable(name.get()))) {
                return Optional.of("filters.profile and filters.state must be 1.." + MAX_FILTER_NAME
                        + " printable characters");
            }
        }
        for (Optional<Instant> bound : List.of(filter.createdFrom(), filter.createdTo())) {
            if (bound.isPresent() && (bound.get().isBefore(EARLIEST_CREATED) || bound.get().isAfter(LATEST_CREATED))) {
                return Optional.of("filters.createdFrom and filters.createdTo must be from " + EARLIEST_CREATED
                        + " to " + LATEST_CREATED);
            }
        }
        return Optional.empty();
    }
}
