package dev.stowage.media;

import java.nio.charset.StandardCharsets;

/** Bounds-aware reads of fixed-width numbers and tags from a file's leading bytes. */
final class Bytes {
    private Bytes() {}

    /** Whether {@code length} bytes starting at {@code at} are present (no sum that could overflow). */
    static boolean has(byte[] b, long at, long length) {
        return at >= 0 && length >= 0 && at <= b.length - length;
    }

    static boolean ascii(byte[] b, int at, String tag) {
        if (!has(b, at, tag.length())) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (b[at + i] != (byte) tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u16be(byte[] b, int at) {
        return u8(b, at) << 8 | u8(b, at + 1);
    }

    static int u16le(byte[] b, int at) {
        return u8(b, at + 1) << 8 | u8(b, at);
    }

    static int u24le(byte[] b, int at) {
        return u8(b, at + 2) << 16 | u16le(b, at);
    }

    static long u32be(byte[] b, int at) {
        return (long) u16be(b, at) << 16 | u16be(b, at + 2);
    }

    static long u32le(byte[] b, int at) {
        return (long) u16le(b, at + 2) << 16 | u16le(b, at);
    }

    /** Signed, as Java holds it: values past {@link Long#MAX_VALUE} come out negative and callers treat them as corrupt. */
    static long s64be(byte[] b, int at) {
        return u32be(b, at) << 32 | u32be(b, at + 4);
    }
}
