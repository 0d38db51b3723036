package dev.stowage.domain.profile;

import java.util.Locale;

/** Small helpers over media type strings. */
public final class ContentTypes {
    private ContentTypes() {}

    /** The {@code type/subtype} part, lower-cased, without parameters. */
    public static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        String t = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return t.trim().toLowerCase(Locale.ROOT);
    }

    /** A syntactically plausible {@code type/subtype} (RFC 6838 restricted names), parameters allowed. */
    public static boolean isWellFormed(String contentType) {
        if (contentType == null || contentType.length() > 255) {
            return false;
        }
        return essence(contentType).matches("[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9*][a-z0-9!#$&^_.+*-]{0,126}");
    }
}
