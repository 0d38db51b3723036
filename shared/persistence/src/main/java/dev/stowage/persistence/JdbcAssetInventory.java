package dev.stowage.persistence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.stowage.domain.export.ExportFormat;
import dev.stowage.domain.port.AssetInventory;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The asset inventory read through a server-side cursor (autocommit off, a fetch size) and written row by
 * row with Jackson's streaming generators: CSV with a header, a JSON array, or one JSON object per line.
 */
@Singleton
public class JdbcAssetInventory implements AssetInventory {
    /** Rows the driver holds at once; the cursor fetches the next batch when they are written. */
    static final int FETCH_SIZE = 1000;
    static final String[] COLUMNS = {"id", "filename", "contentType", "byteSize", "width", "height", "durationMs",
            "state", "createdAt", "attachmentCount"};
    private static final CsvSchema CSV = csvSchema();
    // Strict quoting: only values that need it are quoted (as COPY does), not every id or timestamp.
    private static final CsvFactory CSV_FACTORY = CsvFactory.builder()
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private final TransactionOperations<Connection> tx;

    public JdbcAssetInventory(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public long write(String principal, Filter filter, ExportFormat format, OutputStream out) {
        StringBuilder sql = new StringBuilder("""
                SELECT a.id, a.filename, coalesce(a.content_type, a.claimed_content_type), a.byte_size, a.width,
                       a.height, a.duration_ms, a.state, a.created_at,
                       (SELECT count(*) FROM attachments t WHERE t.asset_id = a.id)
                  FROM assets a""");
        List<Object> args = where(principal, filter, sql);
        sql.append(" ORDER BY a.created_at, a.id");
        // A read transaction: autocommit off is what lets pgjdbc use a cursor instead of reading every row.
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql.toString(),
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(FETCH_SIZE);
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet r = s.executeQuery(); JsonGenerator g = generator(format, out)) {
                    long rows = 0;
                    if (format == ExportFormat.JSON) {
                        g.writeStartArray();
                    }
                    while (r.next()) {
                        if (format == ExportFormat.CSV) {
                            writeCsvRow(g, r);
                        } else {
                            writeObject(g, r);
                        }
                        rows++;
                    }
                    if (format == ExportFormat.JSON) {
                        g.writeEndArray();
                    }
                    if (format == ExportFormat.CSV && rows == 0) {
                        // Jackson writes the header with the first row; an empty inventory still has one.
                        out.write((String.join(",", COLUMNS) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    g.flush();
                    return rows;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public long count(String principal, Filter filter, long limit) {
        // Bounded: a million-asset inventory is not counted to the end just to learn it is over the limit.
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM assets a");
        List<Object> args = where(principal, filter, sql);
        sql.append(" LIMIT ?) bounded");
        args.add(limit);
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /** The filter's WHERE clause, appended to {@code sql}; its arguments in order. */
    private static List<Object> where(String principal, Filter filter, StringBuilder sql) {
        sql.append(" WHERE a.owner = ? AND a.state <> 'deleted'");
        List<Object> args = new ArrayList<>(List.of(principal));
        filter.profile().ifPresent(p -> { sql.append(" AND a.profile = ?"); args.add(p); });
        filter.state().ifPresent(s -> { sql.append(" AND a.state = ?"); args.add(s); });
        filter.createdFrom().ifPresent(t -> { sql.append(" AND a.created_at >= ?"); args.add(Timestamp.from(t)); });
        filter.createdTo().ifPresent(t -> { sql.append(" AND a.created_at < ?"); args.add(Timestamp.from(t)); });
        return args;
    }

    private static JsonGenerator generator(ExportFormat format, OutputStream out) throws IOException {
        return switch (format) {
            case CSV -> {
                CsvGenerator g = CSV_FACTORY.createGenerator(out);
                g.setSchema(CSV);
                yield g;
            }
            case JSON -> JSON_FACTORY.createGenerator(out);
            case NDJSON -> {
                JsonGenerator g = JSON_FACTORY.createGenerator(out);
                g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
                yield g;
            }
        };
    }

    private static void writeCsvRow(JsonGenerator g, ResultSet r) throws SQLException, IOException {
        g.writeStartArray();
        g.writeString(r.getString(1));
        g.writeString(r.getString(2));
        g.writeString(r.getString(3));
        g.writeNumber(r.getLong(4));
        nullableInt(g, r, 5);
        nullableInt(g, r, 6);
        nullableLong(g, r, 7);
        g.writeString(r.getString(8));
        g.writeString(r.getTimestamp(9).toInstant().toString());
        g.writeNumber(r.getLong(10));
        g.writeEndArray();
    }

    private static void writeObject(JsonGenerator g, ResultSet r) throws SQLException, IOException {
        g.writeStartObject();
        g.writeStringField(COLUMNS[0], r.getString(1));
        g.writeStringField(COLUMNS[1], r.getString(2));
        g.writeStringField(COLUMNS[2], r.getString(3));
        g.writeNumberField(COLUMNS[3], r.getLong(4));
        g.writeFieldName(COLUMNS[4]);
        nullableInt(g, r, 5);
        g.writeFieldName(COLUMNS[5]);
        nullableInt(g, r, 6);
        g.writeFieldName(COLUMNS[6]);
        nullableLong(g, r, 7);
        g.writeStringField(COLUMNS[7], r.getString(8));
        g.writeStringField(COLUMNS[8], r.getTimestamp(9).toInstant().toString());
        g.writeNumberField(COLUMNS[9], r.getLong(10));
        g.writeEndObject();
    }

    private static void nullableInt(JsonGenerator g, ResultSet r, int column) throws SQLException, IOException {
        int v = r.getInt(column);
        if (r.wasNull()) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    private static void nullableLong(JsonGenerator g, ResultSet r, int column) throws SQLException, IOException {
        long v = r.getLong(column);
        if (r.wasNull()) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    private static CsvSchema csvSchema() {
        CsvSchema.Builder b = CsvSchema.builder();
        for (String c : COLUMNS) {
            b.addColumn(c);
        }
        return b.setUseHeader(true).build();
    }
}
