package dev.stowage.domain.export;

import java.util.Locale;

/** {@code pending} while a large export streams into storage, then {@code ready}, or {@code failed}. */
public enum ExportState {
    PENDING, READY, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExportState of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
