package dev.stowage.media;

import static dev.stowage.media.Bytes.has;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads duration, tracks and displayed frame size from an MP4/QuickTime (ISO base media) file's movie box. */
// Walks the boxes itself: metadata-extractor reports no tracks for QuickTime files and cannot say whether the
// movie box was complete. Tracks are reported only when the whole box is in the head, so a cut-off head never
// claims "no audio".
final class IsoBmff {
    static final String QUICKTIME_BRAND = "qt  ";

    // Old QuickTime files have no 'ftyp' and start straight with one of these.
    private static final Set<String> TOP_LEVEL = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot");

    private IsoBmff() {}

    /** Facts from the movie box; duration and size are null when the file does not state them. */
    record Movie(Long durationMs, boolean hasVideo, boolean hasAudio, Size displayedSize) {}

    private record Box(String type, int body, long end) {}

    static Optional<String> majorBrand(byte[] b) {
        return Bytes.ascii(b, 4, "ftyp") && has(b, 8, 4) ? Optional.of(Bytes.fourCc(b, 8)) : Optional.empty();
    }

    /** The movie facts when a complete 'moov' box lies within {@code head}; empty when it lies beyond (e.g. at the end of a large file). */
    static Optional<Movie> movie(byte[] head, long totalSize) {
        if (!has(head, 4, 4) || !TOP_LEVEL.contains(Bytes.fourCc(head, 4))) {
            return Optional.empty();
        }
        return children(head, 0, Math.max(totalSize, head.length)).stream()
                .filter(box -> box.type().equals("moov") && box.end() <= head.length)
                .findFirst()
                .map(moov -> movie(head, moov));
    }

    /**
     * The size in the first image spatial extents ('ispe') of a HEIF/AVIF file's meta/iprp/ipco, as
     * metadata-extractor reported it; null when the head holds none.
     */
    // Read here, not by metadata-extractor: its HEIF reader allocates each box's declared size before reading it
    // (16 MB for a 105-byte file whose ftyp states 16 MB, up to 2 GB).
    static Size imageExtent(byte[] head) {
        for (Box meta : children(head, 0, head.length)) {
            if (meta.type().equals("meta")) {
                for (Box iprp : children(head, meta.body() + 4, meta.end())) { // meta is a full box
                    if (iprp.type().equals("iprp")) {
                        for (Box ipco : children(head, iprp.body(), iprp.end())) {
                            if (ipco.type().equals("ipco")) {
                                for (Box ispe : children(head, ipco.body(), ipco.end())) {
                                    if (ispe.type().equals("ispe") && ispe.body() + 12 <= ispe.end()) {
                                        return Size.ofPositive(Bytes.u32be(head, ispe.body() + 4),
                                                Bytes.u32be(head, ispe.body() + 8));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static Movie movie(byte[] b, Box moov) {
        Long durationMs = null;
        boolean video = false;
        boolean audio = false;
        Size size = null;
        for (Box box : children(b, moov.body(), moov.end())) {
            switch (box.type()) {
                case "mvhd" -> durationMs = movieHeaderDuration(b, box);
                case "trak" -> {
                    String handler = handler(b, box);
                    audio |= handler.equals("soun");
                    if (handler.equals("vide")) {
                        video = true;
                        size = size != null ? size : trackSize(b, box);
                    }
                }
                default -> { }
            }
        }
        return new Movie(durationMs, video, audio, size);
    }

    private static List<Box> children(byte[] b, int from, long to) {
        List<Box> boxes = new ArrayList<>();
        long pos = from;
        while (pos <= to - 8 && has(b, pos, 8)) {
            long size = Bytes.u32be(b, (int) pos);
            int header = 8;
            if (size == 1) { // 64-bit size follows the type
                if (!has(b, pos + 8, 8)) {
                    break;
                }
                size = Bytes.s64be(b, (int) pos + 8);
                header = 16;
            } else if (size == 0) { // runs to the end of its parent
                size = to - pos;
            }
            // Corrupt: stop rather than loop. A box never runs past its parent (at the top, past the object): its
            // end is then within the head for every box inside 'moov', and pos + size cannot overflow to a negative
            // end that would pass for "within the head".
            if (size < header || size > to - pos) {
                break;
            }
            boxes.add(new Box(Bytes.fourCc(b, (int) pos + 4), (int) pos + header, pos + size));
            pos += size;
        }
        return boxes;
    }

    private static Long movieHeaderDuration(byte[] b, Box mvhd) {
        int at = mvhd.body();
        boolean v1 = has(b, at, 1) && Bytes.u8(b, at) == 1;
        int needed = v1 ? 32 : 20;
        if (at + needed > mvhd.end()) {
            return null;
        }
        long timescale = Bytes.u32be(b, at + (v1 ? 20 : 12));
        long duration = v1 ? Bytes.s64be(b, at + 24) : Bytes.u32be(b, at + 16);
        // 0 (fragmented files) and all-ones mean "not stated".
        if (timescale == 0 || duration <= 0 || !v1 && duration == 0xFFFFFFFFL) {
            return null;
        }
        try {
            return Math.addExact(Math.multiplyExact(duration / timescale, 1000L), duration % timescale * 1000 / timescale);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE; // stated, but beyond any clock: ProbeResult.implausibility() refuses it
        }
    }

    // mdia/hdlr: version+flags, pre-defined (QuickTime: component type), then the handler type 'vide'/'soun'.
    private static String handler(byte[] b, Box trak) {
        for (Box mdia : children(b, trak.body(), trak.end())) {
            if (mdia.type().equals("mdia")) {
                for (Box hdlr : children(b, mdia.body(), mdia.end())) {
                    if (hdlr.type().equals("hdlr") && hdlr.body() + 12 <= hdlr.end()) {
                        return Bytes.fourCc(b, hdlr.body() + 8);
                    }
                }
            }
        }
        return "";
    }

    // tkhd holds the presentation size (16.16 fixed point) and a matrix; a quarter turn zeroes its a and d terms.
    private static Size trackSize(byte[] b, Box trak) {
        for (Box tkhd : children(b, trak.body(), trak.end())) {
            if (tkhd.type().equals("tkhd")) {
                int at = tkhd.body();
                if (at >= tkhd.end()) {
                    return null;
                }
                int matrix = at + (Bytes.u8(b, at) == 1 ? 52 : 40);
                if (matrix + 44 > tkhd.end()) {
                    return null;
                }
                Size stored = Size.ofPositive(Bytes.u32be(b, matrix + 36) >> 16, Bytes.u32be(b, matrix + 40) >> 16);
                boolean quarterTurn = Bytes.u32be(b, matrix) == 0 && Bytes.u32be(b, matrix + 16) == 0;
                return stored == null || !quarterTurn ? stored : new Size(stored.height(), stored.width());
            }
        }
        return null;
    }
}
