package dev.stowage.media;

import dev.stowage.domain.asset.MediaKind;
import java.util.List;
import java.util.Set;

/** Sorts a sniffed content type into the broad kind the rest of the system reasons about. */
final class MediaKinds {
    private MediaKinds() {}

    // Tika core cannot look inside OOXML/OLE2 containers, so Office files come out as its x-tika-* container types.
    private static final Set<String> DOCUMENTS = Set.of(
            "application/pdf", "application/rtf", "application/msword", "application/epub+zip",
            "application/x-tika-ooxml", "application/x-tika-msoffice", "text/plain", "text/csv");

    private static final List<String> DOCUMENT_FAMILIES = List.of(
            "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.",
            "application/vnd.ms-word", "application/vnd.ms-excel", "application/vnd.ms-powerpoint");

    /** HTML and other markup stay OTHER: they can carry script and are never treated as a document to serve. */
    static MediaKind of(String contentType) {
        if (contentType.startsWith("image/")) {
            return MediaKind.IMAGE;
        }
        if (contentType.startsWith("video/")) {
            return MediaKind.VIDEO;
        }
        if (contentType.startsWith("audio/")) {
            return MediaKind.AUDIO;
        }
        if (DOCUMENTS.contains(contentType) || DOCUMENT_FAMILIES.stream().anyMatch(contentType::startsWith)) {
            return MediaKind.DOCUMENT;
        }
        return MediaKind.OTHER;
    }
}
