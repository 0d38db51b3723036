package dev.stowage.domain.delivery;

import java.nio.charset.StandardCharsets;

/**
 * A {@code Content-Disposition} value for any file name (RFC 6266): an ASCII {@code filename} fallback
 * with quotes, backslashes and anything outside printable ASCII replaced, and the exact name as
 * {@code filename*=UTF-8''…} percent-encoded per RFC 8187, which every current browser prefers.
 */
public final class ContentDisposition {
    private static final String ATTR_CHARS = "!#$&+-.^_`|~";

    private ContentDisposition() {}

    public static String of(boolean attachment, String filename) {
        return (attachment ? "attachment" : "inline") + "; filename=\"" + asciiFallback(filename)
                + "\"; filename*=UTF-8''" + percentEncoded(filename);
    }

    static String asciiFallback(String filename) {
        StringBuilder out = new StringBuilder(filename.length());
        filename.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        return out.toString();
    }

    static String percentEncoded(String filename) {
        StringBuilder out = new StringBuilder();
        for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ATTR_CHARS.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
