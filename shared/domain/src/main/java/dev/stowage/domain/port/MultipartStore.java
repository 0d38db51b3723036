package dev.stowage.domain.port;

import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The multipart capability of object storage, kept apart from {@link ObjectStore} so a store that
 * cannot do it simply does not implement it. Part numbers are 1-based, as in S3.
 */
public interface MultipartStore {

    /** Starts a multipart upload whose object will have {@code contentType}; returns the upload id. */
    String create(String key, String contentType);

    /** A PUT URL for one part, bound to its exact length. Never a whole-object URL. */
    PresignedRequest presignPart(String key, String uploadId, int partNumber, long contentLength, Duration ttl);

    /**
     * Sends one part from the server itself (an export streamed into storage), reading exactly {@code length}
     * bytes from {@code body}; returns the stored part. Parts other than the last must be at least 5 MiB.
     */
    Part uploadPart(String key, String uploadId, int partNumber, java.io.InputStream body, long length);

    /** The parts storage holds now, in part-number order; empty if the upload is unknown or finished. */
    List<Part> listParts(String key, String uploadId);

    /**
     * Assembles the object from {@code parts}. Empty when storage no longer knows the upload (it was
     * completed before, or aborted); throws {@link PartsRejected} when storage refuses the part list.
     */
    Optional<String> complete(String key, String uploadId, List<Part> parts);

    /** Aborts the upload and discards its parts; aborting an unknown upload is a success. */
    void abort(String key, String uploadId);

    /** Multipart uploads in progress under {@code prefix}, oldest first, at most {@code limit}. */
    List<PendingUpload> listUploads(String prefix, int limit);

    /** One stored part. {@code size} is 0 when only the number and ETag are known (a client's list). */
    record Part(int partNumber, String etag, long size) {}

    /** An upload storage holds open. */
    record PendingUpload(String key, String uploadId, Instant initiated) {}

    /** Storage refused to assemble the object from the given parts. */
    final class PartsRejected extends RuntimeException {
        public PartsRejected(String message) {
            super(message);
        }
    }
}
