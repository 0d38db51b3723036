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
        }
        if (!filename.equals(filename.strip())) {
            return Optional.of("filename may not start or end with whitespace");
        }
        return Optional.empty();
    }
}
