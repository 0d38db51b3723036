package dev.stowage.media;

import static dev.stowage.media.Bytes.has;

import java.util.OptionalLong;

/** The duration of an MPEG audio (MP3) stream, read from its first frame. */
// Exact from a Xing/Info or VBRI frame count, otherwise estimated from the first frame's bitrate and the object's
// size (exact for constant bitrate). metadata-extractor does not recognise MP3 files that start with an ID3 tag
// and reports no duration.
final class MpegAudio {
    private MpegAudio() {}

    // How far past the ID3 tag to look for the first frame before giving up.
    private static final int SYNC_SEARCH = 64 * 1024;

    private static final int[][] BITRATES_KBPS = {
        {32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // MPEG-1 layer I
        {32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // MPEG-1 layer II
        {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // MPEG-1 layer III
        {32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    // MPEG-2/2.5 layer I
        {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},         // MPEG-2/2.5 layers II and III
    };

    private record Frame(int at, boolean mpeg1, boolean mono, int samples, int bitrateKbps, int sampleRate, int length) {}

    static OptionalLong durationMs(byte[] head, long totalSize) {
        int start = afterId3(head);
        Frame frame = firstFrame(head, start);
        if (frame == null) {
            return OptionalLong.empty();
        }
        long frames = frameCount(head, frame);
        if (frames > 0) {
            return OptionalLong.of(frames * frame.samples() * 1000 / frame.sampleRate());
        }
        long audioBytes = Math.max(totalSize, head.length) - frame.at();
        if (audioBytes > Long.MAX_VALUE / 8) {
            return OptionalLong.empty(); // a declared size no object has (S3's largest is 5 TiB): no duration
        }
        return OptionalLong.of(audioBytes * 8 / frame.bitrateKbps());
    }

    // ID3v2: "ID3", version, flags, then a 28-bit "syncsafe" size that excludes the 10-byte header (and footer).
    private static int afterId3(byte[] b) {
        if (!Bytes.ascii(b, 0, "ID3") || !has(b, 0, 10)) {
            return 0;
        }
        int size = (b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | b[9] & 0x7F;
        boolean footer = (b[5] & 0x10) != 0;
        return 10 + size + (footer ? 10 : 0);
    }

    // A frame header is accepted only if the next one follows where its length says (or lies beyond the head),
    // so stray 0xFFE bit patterns in a tag or garbage are not mistaken for audio.
    private static Frame firstFrame(byte[] b, int from) {
        int limit = (int) Math.min(b.length - 4L, (long) from + SYNC_SEARCH);
        for (int at = Math.max(from, 0); at <= limit; at++) {
            Frame frame = header(b, at);
            if (frame != null) {
                int next = at + frame.length();
                if (!has(b, next, 4) || header(b, next) != null) {
                    return frame;
                }
            }
        }
        return null;
    }

    private static Frame header(byte[] b, int at) {
        if (!has(b, at, 4) || Bytes.u8(b, at) != 0xFF || (Bytes.u8(b, at + 1) & 0xE0) != 0xE0) {
            return null;
        }
        int version = Bytes.u8(b, at + 1) >> 3 & 3; // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
        int layerBits = Bytes.u8(b, at + 1) >> 1 & 3; // 1: III, 2: II, 3: I
        int bitrateIndex = Bytes.u8(b, at + 2) >> 4;
        int rateIndex = Bytes.u8(b, at + 2) >> 2 & 3;
        if (version == 1 || layerBits == 0 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
            return null; // reserved values, or "free format" whose bitrate the header does not state
        }
        boolean mpeg1 = version == 3;
        int layer = 4 - layerBits;
        int bitrate = BITRATES_KBPS[mpeg1 ? layer - 1 : layer == 1 ? 3 : 4][bitrateIndex - 1];
        int sampleRate = new int[] {44100, 48000, 32000}[rateIndex] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
        boolean padded = (Bytes.u8(b, at + 2) >> 1 & 1) == 1;
        boolean mono = (Bytes.u8(b, at + 3) >> 6) == 3;
        int samples = layer == 1 ? 384 : layer == 2 || mpeg1 ? 1152 : 576;
        int slot = layer == 1 ? 4 : 1; // layer I counts its length in 4-byte slots
        int length = samples / 8 * bitrate * 1000 / sampleRate / slot * slot + (padded ? slot : 0);
        return new Frame(at, mpeg1, mono, samples, bitrate, sampleRate, length);
    }

    // Encoders put the total frame count in a Xing/Info tag after the side information, or in a VBRI tag at +36.
    private static long frameCount(byte[] b, Frame frame) {
        int sideInfo = frame.mpeg1() ? (frame.mono() ? 17 : 32) : (frame.mono() ? 9 : 17);
        int xing = frame.at() + 4 + sideInfo;
        if ((Bytes.ascii(b, xing, "Xing") || Bytes.ascii(b, xing, "Info")) && has(b, xing, 12)
                && (Bytes.u32be(b, xing + 4) & 1) != 0) {
            return Bytes.u32be(b, xing + 8);
        }
        int vbri = frame.at() + 36;
        if (Bytes.ascii(b, vbri, "VBRI") && has(b, vbri, 18)) {
            return Bytes.u32be(b, vbri + 14);
        }
        return 0;
    }
}
