package dev.stowage.domain;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Checks a client-supplied filename: it is a label, never a path. */
public final class Filenames {
    public static final int MAX_BYTES = 255;

    private Filenames() {}

    /** Empty when the name is acceptable, else why it is not. */
    public static Optional<String> problemWith(String filename) {
        if (filename == null || filename.isBlank()) {
            return Optional.of("filename is required");
        }
        if (filename.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("filename is longer than " + MAX_BYTES + " bytes");
        }
        if (filename.equals(".") || filename.equals("..")) {
            return Optional.of("filename may not be a dot segment");
        }
        for (int i = 0; i < filename.length(); i++) {
            char c = filename.charAt(i);
            if (c == '/' || c == '\\') {
                return Optional.of("filename may not contain path separators");
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return Optional.of("filename may not contain control characters");
            }
            // "\u202Egpj.exe" shows as "exe.jpg" wherever the name is displayed, a download's name included.
            if (isBidiControl(c)) {
                return Optional.of("filename may not contain bidirectional formatting characters");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < filename.length()
                    && Character.isLowSurrogate(filename.charAt(++i)))) {
                return Optional.of("filename is not well-formed Unicode (half of a surrogate pair)");
            }
        }
        if (!filename.equals(filename.strip())) {
            return Optional.of("filename may not start or end with whitespace");
        }
        return Optional.empty();
    }

    /** The marks and embeddings that reorder how text around them is displayed (Unicode's Bidi_Control). */
    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
