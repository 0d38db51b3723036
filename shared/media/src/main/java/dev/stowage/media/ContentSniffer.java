package dev.stowage.media;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MimeTypes;

/** Names a file's media type from its leading bytes alone, with Tika's magic-byte and XML-root detector. */
final class ContentSniffer {
    static final String UNKNOWN = "application/octet-stream";

    private ContentSniffer() {}

    // MimeTypes rather than TikaConfig/DefaultDetector: it is the part that reads magic bytes, and it does not
    // instantiate parsers or pick up whatever other detectors happen to be on the classpath. Loading it parses
    // Tika's type registry (a few hundred ms), so it happens on first use, not when the bean is built.
    private static final class Registry {
        static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();
    }

    static String contentType(byte[] head) {
        if (head.length == 0) {
            return UNKNOWN;
        }
        String detected;
        try {
            // An empty Metadata on purpose: no file name and no client claim may sway the answer.
            detected = Registry.TYPES.detect(new ByteArrayInputStream(head), new Metadata()).getBaseType().toString();
        } catch (IOException e) {
            return UNKNOWN;
        }
        return isoNormalised(detected, head);
    }

    // Tika core maps only a few 'ftyp' brands to video/mp4 and calls every other ISO base media file QuickTime
    // (clip.mp4, brand 'isom', comes out as video/quicktime). The major brand tells the two apart.
    private static String isoNormalised(String detected, byte[] head) {
        if (!detected.equals("video/quicktime") && !detected.equals("application/mp4")) {
            return detected;
        }
        return IsoBmff.majorBrand(head)
                .map(brand -> brand.equals(IsoBmff.QUICKTIME_BRAND) ? "video/quicktime" : "video/mp4")
                .orElse(detected);
    }
}
