package dev.stowage.domain.port;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The object storage every lifecycle step goes through. Keys are server-generated; implementations
 * must pass the contract suite in the test kit against a real S3-compatible server.
 */
public interface ObjectStore {

    /** Stores {@code length} bytes from {@code body} at {@code key}, replacing what was there. */
    void put(String key, InputStream body, long length, String contentType);

    default void put(String key, byte[] bytes, String contentType) {
        put(key, new java.io.ByteArrayInputStream(bytes), bytes.length, contentType);
    }

    /** Size, type, ETag and (when the store kept one) the SHA-256 checksum; empty when there is no object. */
    Optional<ObjectInfo> head(String key);

    /** Up to {@code length} bytes from {@code offset}; fewer at the end of the object. Throws {@link ObjectMissing}. */
    byte[] read(String key, long offset, int length);

    /** The whole object as a stream the caller closes. Throws {@link ObjectMissing}. */
    InputStream open(String key);

    /** Server-side copy; replaying it is harmless. Throws {@link ObjectMissing} if the source is gone. */
    void copy(String sourceKey, String targetKey);

    /** Removes the object; removing one that is not there is a success. */
    void delete(String key);

    /** A PUT URL that only accepts exactly the promised content type, length and (when given) checksum. */
    PresignedRequest presignPut(PutSpec spec);

    /** A GET URL for {@code key}, valid for {@code ttl}. */
    PresignedRequest presignGet(String key, Duration ttl);

    /** What the signed PUT binds. {@code checksumSha256} is base64, as S3 carries it. */
    record PutSpec(String key, String contentType, long contentLength, Optional<String> checksumSha256, Duration ttl) {}

    /** A request a client can make without credentials: it must send every header in {@code headers}. */
    record PresignedRequest(URI url, String method, Map<String, String> headers, Instant expiresAt) {}

    /** What a HEAD tells. */
    record ObjectInfo(String key, long size, String contentType, String etag, Optional<String> checksumSha256) {}

    /** The object asked for does not exist. */
    final class ObjectMissing extends RuntimeException {
        public ObjectMissing(String key) {
            super("no object at " + key);
        }
    }
}
