package dev.stowage.domain.asset;

import java.util.Locale;

/** The broad kind of media, derived from the sniffed content type. */
public enum MediaKind {
    IMAGE, VIDEO, AUDIO, DOCUMENT, OTHER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
