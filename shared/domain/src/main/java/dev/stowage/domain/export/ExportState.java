package dev.stowage.domain.export;

import java.util.Locale;

/**
 * {@code pending} while an export is written (in the API call, or queued for the export-worker), then
 * {@code ready}, or {@code failed} with a reason.
 */
public enum ExportState {
    PENDING, READY, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExportState of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
