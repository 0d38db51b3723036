package dev.stowage.media;

import static dev.stowage.media.Bytes.has;

import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import java.util.Arrays;
import java.util.List;

/** The frame size and EXIF orientation of a JPEG, read from the marker segments before the scan. */
// Walks the segments itself so that a file cut off anywhere still yields what precedes the cut
// (metadata-extractor's JpegMetadataReader discards everything on a premature end); the EXIF block itself is
// handed to metadata-extractor.
record JpegHeader(Size size, Integer orientation) {
    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;
    private static final int APP1 = 0xE1;

    static JpegHeader read(byte[] b) {
        Size size = null;
        byte[] exif = null;
        int pos = 2; // after SOI
        while (has(b, pos, 4) && Bytes.u8(b, pos) == 0xFF) {
            int marker = Bytes.u8(b, pos + 1);
            if (marker == 0xFF) { // fill byte before a marker
                pos++;
                continue;
            }
            if (marker == SOS || marker == EOI) {
                break;
            }
            if (hasNoLength(marker)) {
                pos += 2;
                continue;
            }
            int length = Bytes.u16be(b, pos + 2);
            if (length < 2) {
                break;
            }
            int data = pos + 4;
            int end = pos + 2 + length;
            if (isStartOfFrame(marker) && has(b, data, 5)) {
                size = Size.ofPositive(Bytes.u16be(b, data + 3), Bytes.u16be(b, data + 1));
            } else if (marker == APP1 && exif == null && end <= b.length && Bytes.ascii(b, data, ExifReader.JPEG_SEGMENT_PREAMBLE)) {
                exif = Arrays.copyOfRange(b, data, end);
            }
            pos = end;
        }
        return new JpegHeader(size, exif == null ? null : orientation(exif));
    }

    // TEM and RSTn stand alone; every other marker before the scan carries a length.
    private static boolean hasNoLength(int marker) {
        return marker == 0x01 || marker >= 0xD0 && marker <= 0xD8;
    }

    // C4 (DHT), C8 (JPG) and CC (DAC) share the SOF range but are not frame headers.
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static Integer orientation(byte[] exifSegment) {
        try {
            Metadata metadata = new Metadata();
            new ExifReader().readJpegSegments(List.of(exifSegment), metadata, JpegSegmentType.APP1);
            ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            return ifd0 == null ? null : Size.exifOrientation(ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION));
        } catch (RuntimeException e) {
            // A damaged EXIF block costs the orientation, not the frame size read beside it.
            return null;
        }
    }
}
