package dev.stowage.domain.port;

import dev.stowage.domain.export.ExportFormat;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;

/** Writes a principal's asset inventory as it reads it, row by row, so its size never sits in memory. */
public interface AssetInventory {

    /** Writes the rows the filter selects to {@code out} in {@code format}; returns how many. */
    long write(String principal, Filter filter, ExportFormat format, OutputStream out);

    /** How many rows the filter selects, counted no further than {@code limit}: the answer is at most that. */
    long count(String principal, Filter filter, long limit);

    /** Which assets: all filters are optional and combine with AND; the range is [from, to). */
    record Filter(Optional<String> profile, Optional<String> state, Optional<Instant> createdFrom,
                  Optional<Instant> createdTo) {
        public static Filter none() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }
}
