package dev.stowage.domain.export;

import dev.stowage.domain.port.MultipartStore;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where an export is written. It keeps the bytes while they fit in a row; past that it opens a multipart
 * upload at the export's key and sends one part
 * each time its one buffer fills: memory stays at one part whatever the export's size. It counts and hashes
 * as it goes, and refuses to pass {@code maxBytes}.
 */
final class ExportSink extends OutputStream {
    private final MultipartStore multipart;
    private final String key;
    private final String contentType;
    private final long rowMax;
    private final long maxBytes;
    private final MessageDigest sha = sha256();
    private final List<MultipartStore.Part> parts = new ArrayList<>();
    private final int capacity;
    private byte[] buffer;
    private int length;
    private long total;
    private String uploadId;

    ExportSink(MultipartStore multipart, String key, String contentType, ExportLimits limits) {
        this.multipart = multipart;
        this.key = key;
        this.contentType = contentType;
        this.rowMax = limits.rowMaxBytes();
        this.maxBytes = limits.maxBytes();
        this.capacity = (int) Math.max(limits.partBytes(), rowMax + 1);
        // Grown as needed: a small export never holds a whole part's buffer.
        this.buffer = new byte[Math.min(capacity, 64 * 1024)];
    }

    /** The ceiling was reached: nothing more is accepted. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long max) {
            super("the export is larger than " + max + " bytes", null, false, false);
        }
    }

    /** What was written: the bytes themselves when they fit in a row, else only the stored object's size. */
    record Written(Optional<byte[]> inline, long byteSize, String checksumSha256) {}

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (total + len > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        while (len > 0) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(capacity, 2L * buffer.length));
            }
            int n = Math.min(len, buffer.length - length);
            System.arraycopy(b, off, buffer, length, n);
            sha.update(b, off, n);
            length += n;
            total += n;
            off += n;
            len -= n;
            if (uploadId == null && length > rowMax) {
                uploadId = multipart.create(key, contentType);
            }
            if (uploadId != null && length == capacity) {
                sendPart();
            }
        }
    }

    boolean spilled() {
        return uploadId != null;
    }

    /** Sends the last part and assembles the object, or hands back the bytes that fit in a row. */
    Written finish() {
        String checksum = Base64.getEncoder().encodeToString(sha.digest());
        if (uploadId == null) {
            return new Written(Optional.of(Arrays.copyOf(buffer, length)), total, checksum);
        }
        if (length > 0) {
            sendPart();
        }
        multipart.complete(key, uploadId, parts).orElseThrow(
                () -> new IllegalStateException("storage no longer knows the export's upload " + uploadId));
        buffer = null;
        return new Written(Optional.empty(), total, checksum);
    }

    /** Discards the upload in progress, if any. */
    void abandon() {
        if (uploadId != null) {
            multipart.abort(key, uploadId);
        }
        buffer = null;
    }

    private void sendPart() {
        parts.add(multipart.uploadPart(key, uploadId, parts.size() + 1, new ByteArrayInputStream(buffer, 0, length),
                length));
        length = 0;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
