package dev.stowage.media;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.bmp.BmpHeaderDirectory;
import com.drew.metadata.exif.ExifIFD0Directory;
import dev.stowage.domain.asset.MediaKind;
import dev.stowage.domain.asset.ProbeResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/** Measures an image's displayed pixel size and EXIF orientation from its leading bytes. */
final class RasterImages {
    private RasterImages() {}

    private record SizeTags(Class<? extends Directory> directory, int widthTag, int heightTag) {}

    // Less common formats go through metadata-extractor whole; IFD0 last, as it is the main image only in a TIFF.
    private static final List<SizeTags> OTHER_FORMATS = List.of(
            new SizeTags(BmpHeaderDirectory.class, BmpHeaderDirectory.TAG_IMAGE_WIDTH, BmpHeaderDirectory.TAG_IMAGE_HEIGHT),
            new SizeTags(ExifIFD0Directory.class, ExifIFD0Directory.TAG_IMAGE_WIDTH, ExifIFD0Directory.TAG_IMAGE_HEIGHT));

    static ProbeResult measure(String contentType, byte[] head) {
        return switch (contentType) {
            case "image/svg+xml" -> ProbeResult.of(contentType, MediaKind.IMAGE); // vector: no pixel size to report
            case "image/jpeg" -> {
                JpegHeader jpeg = JpegHeader.read(head);
                yield result(contentType, jpeg.size(), jpeg.orientation());
            }
            case "image/png", "image/gif", "image/webp" -> result(contentType, WebImageHeaders.size(contentType, head), null);
            default -> IconAndPsdHeaders.recognises(head) ? result(contentType, IconAndPsdHeaders.size(head), null)
                    : IsoBmff.majorBrand(head).isPresent() ? result(contentType, IsoBmff.imageExtent(head), null)
                    : viaMetadataExtractor(contentType, head);
        };
    }

    private static ProbeResult viaMetadataExtractor(String contentType, byte[] head) {
        Metadata metadata;
        try {
            metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(head), head.length);
        } catch (ImageProcessingException | IOException e) {
            return ProbeResult.of(contentType, MediaKind.IMAGE);
        }
        Size size = null;
        for (SizeTags tags : OTHER_FORMATS) {
            Directory directory = metadata.getFirstDirectoryOfType(tags.directory());
            if (size == null && directory != null) {
                Integer width = directory.getInteger(tags.widthTag());
                Integer height = directory.getInteger(tags.heightTag());
                // A bottom-up BMP stores a negative height; the picture is just as tall.
                size = width == null || height == null ? null : Size.ofPositive(Math.abs((long) width), Math.abs((long) height));
            }
        }
        ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
        return result(contentType, size, ifd0 == null ? null : Size.exifOrientation(ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION)));
    }

    private static ProbeResult result(String contentType, Size stored, Integer orientation) {
        Size shown = stored == null ? null : stored.displayed(orientation);
        return new ProbeResult(contentType, MediaKind.IMAGE,
                shown == null ? null : shown.width(), shown == null ? null : shown.height(),
                orientation, null, null, null);
    }
}
