package dev.stowage.domain.port;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The object storage every lifecycle step goes through. Keys are server-generated; implementations
 * must pass the contract suite in the test kit against a real S3-compatible server.
 */
public interface ObjectStore {

    /**
     * Stores {@code length} bytes from {@code body} at {@code key}, replacing what was there, with the
     * {@code Cache-Control} header storage sends with it when one is given.
     */
    void put(String key, InputStream body, long length, String contentType, Optional<String> cacheControl);

    default void put(String key, InputStream body, long length, String contentType) {
        put(key, body, length, contentType, Optional.empty());
    }

    default void put(String key, byte[] bytes, String contentType) {
        put(key, new java.io.ByteArrayInputStream(bytes), bytes.length, contentType);
    }

    /** Size, type, ETag and (when the store kept one) the SHA-256 checksum; empty when there is no object. */
    Optional<ObjectInfo> head(String key);

    /**
     * Up to {@code length} bytes from {@code offset} (fewer at the end of the object), with the ETag of the
     * version they came from, so a later step can insist on that very version. Throws {@link ObjectMissing}.
     */
    Slice read(String key, long offset, int length);

    /** The whole object as a stream the caller closes. Throws {@link ObjectMissing}. */
    InputStream open(String key);

    /**
     * Server-side copy of exactly the source version {@code spec.sourceEtag()} names, with the server's
     * headers instead of whatever the uploader sent (its type, disposition, caching, encoding, metadata).
     * Replaying it is harmless. Throws {@link ObjectMissing} if the source is gone, {@link ObjectChanged}
     * if it is another version now; either way no target is written. The target's ETag is the store's
     * own and need not equal the source's (a copy made in parts gets a multipart ETag).
     */
    void copy(CopySpec spec);

    /** Removes the object; removing one that is not there is a success. */
    void delete(String key);

    /**
     * Removes the objects at {@code keys}, as many per request as storage allows; removing one that is not there
     * is a success. Never throws for a storage failure: a key storage did not confirm as removed (it answered an
     * error for the key, or for its whole request) is in {@link Deletion#failed()} with storage's reason.
     */
    Deletion deleteAll(Collection<String> keys);

    /** What {@link #deleteAll} did: the keys storage confirmed gone, and the others with the reason. */
    record Deletion(Set<String> deleted, Map<String, String> failed) {
        public static final Deletion NOTHING = new Deletion(Set.of(), Map.of());

        public Deletion {
            deleted = Set.copyOf(deleted);
            failed = Map.copyOf(failed);
        }

        /** For a log line: how many keys failed, with one of them and its reason. */
        public String failureSummary() {
            return failed.entrySet().stream().findFirst()
                    .map(e -> failed.size() + " not deleted, e.g. " + e.getKey() + ": " + e.getValue())
                    .orElse("none failed");
        }
    }

    /**
     * Up to {@code limit} objects whose key starts with {@code prefix}, in key order, after {@code startAfter}
     * when given (the last key of the previous page).
     */
    List<Listed> list(String prefix, Optional<String> startAfter, int limit);

    /** An object as a listing shows it. */
    record Listed(String key, long size, Instant lastModified) {}

    /** Keys a listing returns per request at most (S3's page). */
    int LIST_PAGE = 1000;

    /**
     * Which of {@code keys} hold an object, from listings of the key ranges they span, in storage's order (UTF-8
     * bytes), not a HEAD per key: about one request per {@value #LIST_PAGE} objects in those ranges, plus one per
     * group of keys that share their next character. Cheap for keys close together in that order (a batch taken in
     * key order), costly for keys scattered across a crowded prefix. Throws when storage cannot list.
     */
    default Set<String> existing(Collection<String> keys) {
        return KeyListing.existing(this, List.copyOf(keys));
    }

    /** A PUT URL that only accepts exactly the promised content type, length and (when given) checksum. */
    PresignedRequest presignPut(PutSpec spec);

    /** A GET URL for {@code key}, valid for {@code ttl}. */
    default PresignedRequest presignGet(String key, Duration ttl) {
        return presignGet(new GetSpec(key, ttl, Optional.empty(), Optional.empty()));
    }

    /** A GET URL whose response carries the given {@code Content-Type} and {@code Content-Disposition}. */
    PresignedRequest presignGet(GetSpec spec);

    /** What a signed GET binds: the key, how long, and the response headers storage must send. */
    record GetSpec(String key, Duration ttl, Optional<String> contentType, Optional<String> contentDisposition) {}

    /** What the signed PUT binds. {@code checksumSha256} is base64, as S3 carries it. */
    record PutSpec(String key, String contentType, long contentLength, Optional<String> checksumSha256, Duration ttl) {}

    /** A request a client can make without credentials: it must send every header in {@code headers}. */
    record PresignedRequest(URI url, String method, Map<String, String> headers, Instant expiresAt) {}

    /** Bytes read from an object and the ETag of the version they belong to. */
    record Slice(byte[] bytes, String etag) {}

    /**
     * A copy pinned to one source version; the target gets {@code contentType} and no client header.
     * {@code sourceSize} is that version's size as the caller knows it: the store picks how to copy by it
     * (one request, or parts in parallel for a large object), never how much to copy.
     */
    record CopySpec(String sourceKey, String sourceEtag, long sourceSize, String targetKey, String contentType) {}

    /** What a HEAD tells; {@code cacheControl} is the header storage sends with the object, if any. */
    record ObjectInfo(String key, long size, String contentType, String etag, Optional<String> checksumSha256,
                      Optional<String> cacheControl) {
        public ObjectInfo(String key, long size, String contentType, String etag, Optional<String> checksumSha256) {
            this(key, size, contentType, etag, checksumSha256, Optional.empty());
        }
    }

    /** The object is no longer the version the caller named: someone wrote it again since. */
    final class ObjectChanged extends RuntimeException {
        public ObjectChanged(String key) {
            super("the object at " + key + " changed since it was read");
        }
    }

    /** The object asked for does not exist. */
    final class ObjectMissing extends RuntimeException {
        public ObjectMissing(String key) {
            super("no object at " + key);
        }
    }
}
