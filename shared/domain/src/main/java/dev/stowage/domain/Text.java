package dev.stowage.domain;

/** Which client-supplied strings the database can keep: PostgreSQL text refuses U+0000, jsonb an unpaired surrogate. */
public final class Text {
    private Text() {}

    /** No control characters (C0, DEL, C1) and no half of a surrogate pair: text every column and JSON can hold. */
    public static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
