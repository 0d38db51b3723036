package dev.stowage.domain.export;

import java.util.Locale;
import java.util.Optional;

/** How an export's rows are written: the wire names are {@code csv}, {@code json}, {@code ndjson}. */
public enum ExportFormat {
    CSV, JSON, NDJSON;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ExportFormat> parse(String wire) {
        for (ExportFormat f : values()) {
            if (f.wire().equals(wire)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
