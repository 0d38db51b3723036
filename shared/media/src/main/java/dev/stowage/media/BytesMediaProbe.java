package dev.stowage.media;

import dev.stowage.domain.asset.MediaKind;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.port.MediaProbe;
import jakarta.inject.Singleton;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells what an uploaded object really is from its leading bytes: type, kind, pixel size, duration and tracks. */
@Singleton
public final class BytesMediaProbe implements MediaProbe {
    private static final Logger LOG = LoggerFactory.getLogger(BytesMediaProbe.class);

    @Override
    public ProbeResult probe(byte[] head, long totalSize) {
        byte[] bytes = head == null ? new byte[0] : head;
        String type = guarded(() -> ContentSniffer.contentType(bytes), ContentSniffer.UNKNOWN);
        MediaKind kind = MediaKinds.of(type);
        return guarded(() -> measure(type, kind, bytes, totalSize), ProbeResult.of(type, kind));
    }

    private static ProbeResult measure(String type, MediaKind kind, byte[] head, long totalSize) {
        return switch (kind) {
            case IMAGE -> RasterImages.measure(type, head);
            case VIDEO, AUDIO -> type.equals("audio/mpeg") ? mpegAudio(type, head, totalSize) : movie(type, kind, head, totalSize);
            case DOCUMENT, OTHER -> ProbeResult.of(type, kind);
        };
    }

    private static ProbeResult movie(String type, MediaKind kind, byte[] head, long totalSize) {
        return IsoBmff.movie(head, totalSize)
                .map(m -> new ProbeResult(type, kind,
                        m.displayedSize() == null ? null : m.displayedSize().width(),
                        m.displayedSize() == null ? null : m.displayedSize().height(),
                        null, m.durationMs(), m.hasVideo(), m.hasAudio()))
                .orElseGet(() -> ProbeResult.of(type, kind));
    }

    private static ProbeResult mpegAudio(String type, byte[] head, long totalSize) {
        OptionalLong durationMs = MpegAudio.durationMs(head, totalSize);
        // No frame found (only an ID3 tag in the head, say): say nothing about tracks rather than guess.
        return durationMs.isEmpty()
                ? ProbeResult.of(type, MediaKind.AUDIO)
                : new ProbeResult(type, MediaKind.AUDIO, null, null, null, durationMs.getAsLong(), false, true);
    }

    // Parsers here meet hostile bytes: a crafted length field can make a library attempt a huge allocation or
    // recurse deeply. Such a failure is local to this probe, so it costs fields, never the caller's request.
    private static <T> T guarded(Supplier<T> step, T fallback) {
        try {
            return step.get();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOG.debug("Probe step failed; reporting fewer fields", e);
            return fallback;
        }
    }
}
