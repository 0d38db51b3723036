package dev.stowage.storage.s3;

import dev.stowage.domain.port.ObjectStore;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** {@link ObjectStore} over one S3 (or S3-compatible) bucket. ETags are reported without quotes, as S3 events carry them. */
@Singleton
public class S3ObjectStore implements ObjectStore {

    private static final int NOT_FOUND = 404;
    private static final int RANGE_NOT_SATISFIABLE = 416;
    private static final int PRECONDITION_FAILED = 412;
    /** S3 takes at most this many keys in one DeleteObjects request. */
    static final int MAX_KEYS_PER_DELETE = 1000;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final long multipartCopyThreshold;
    private final S3PartCopy partCopy;

    public S3ObjectStore(S3Client s3, S3Presigner presigner, StorageSettings settings) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = settings.bucket();
        this.multipartCopyThreshold = settings.multipartCopyThreshold();
        this.partCopy = new S3PartCopy(s3, settings);
    }

    @Override
    public void put(String key, InputStream body, long length, String contentType, Optional<String> cacheControl) {
        Objects.requireNonNull(contentType, "contentType");
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(length)
                        .cacheControl(cacheControl.orElse(null)),
                RequestBody.fromInputStream(body, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            // ChecksumMode.ENABLED is what makes S3 return the stored x-amz-checksum-sha256.
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.contentType(),
                    unquote(head.eTag()), Optional.ofNullable(head.checksumSHA256()),
                    Optional.ofNullable(head.cacheControl())));
        } catch (S3Exception e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Slice read(String key, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        if (length == 0) {
            // An empty range cannot be asked of S3; the answer still depends on the object existing.
            return new Slice(new byte[0], head(key).orElseThrow(() -> new ObjectMissing(key)).etag());
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try {
            var read = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range(range));
            return new Slice(read.asByteArray(), unquote(read.response().eTag()));
        } catch (S3Exception e) {
            if (isMissing(e)) {
                throw new ObjectMissing(key);
            }
            if (e.statusCode() == RANGE_NOT_SATISFIABLE) {
                // The object exists but ends before offset: "fewer bytes at the end" taken to its limit.
                return new Slice(new byte[0], head(key).orElseThrow(() -> new ObjectMissing(key)).etag());
            }
            throw e;
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            throw isMissing(e) ? new ObjectMissing(key) : e;
        }
    }

    /**
     * One {@code CopyObject} up to {@code multipart-copy-threshold}; above it, a copy in parallel parts
     * ({@link S3PartCopy}) of the size a pinned {@code HEAD} reports, so a wrong size in the spec can cost time but
     * never bytes. Both put the same headers on the target and both fail the same way.
     */
    @Override
    public void copy(CopySpec spec) {
        try {
            if (spec.sourceSize() <= multipartCopyThreshold) {
                copyWhole(spec);
                return;
            }
            // If-Match takes an entity tag, which HTTP quotes; the ETags this store reports are unquoted.
            long size = s3.headObject(b -> b.bucket(bucket).key(spec.sourceKey()).ifMatch(quote(spec.sourceEtag())))
                    .contentLength();
            if (size <= multipartCopyThreshold) {
                copyWhole(spec);
            } else {
                partCopy.copy(spec, size);
            }
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new ObjectChanged(spec.sourceKey());
            }
            // A part copy's upload can be missing too (aborted under it): that is not a missing source.
            throw isMissing(e) && !"NoSuchUpload".equals(errorCode(e)) ? new ObjectMissing(spec.sourceKey()) : e;
        }
    }

    private void copyWhole(CopySpec spec) {
        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(spec.sourceKey())
                .destinationBucket(bucket).destinationKey(spec.targetKey())
                .copySourceIfMatch(spec.sourceEtag())
                // REPLACE: the uploader's Content-Disposition, Cache-Control, Content-Encoding and
                // x-amz-meta-* (a presigned PUT accepts unsigned ones) stay behind with its type.
                .metadataDirective(MetadataDirective.REPLACE)
                .contentType(spec.contentType()));
    }

    @Override
    public List<Listed> list(String prefix, Optional<String> startAfter, int limit) {
        var page = s3.listObjectsV2(b -> {
            b.bucket(bucket).prefix(prefix).maxKeys(limit);
            startAfter.ifPresent(b::startAfter);
        });
        return page.contents().stream().map(o -> new Listed(o.key(), o.size(), o.lastModified())).toList();
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            // S3 itself answers 204 for a missing key; some compatible servers say 404.
            if (!isMissing(e)) {
                throw e;
            }
        }
    }

    @Override
    public Deletion deleteAll(Collection<String> keys) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(keys));
        Set<String> deleted = new HashSet<>();
        Map<String, String> failed = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += MAX_KEYS_PER_DELETE) {
            List<String> batch = distinct.subList(from, Math.min(distinct.size(), from + MAX_KEYS_PER_DELETE));
            Deletion done = deleteBatch(batch);
            deleted.addAll(done.deleted());
            failed.putAll(done.failed());
        }
        return new Deletion(deleted, failed);
    }

    private Deletion deleteBatch(List<String> keys) {
        List<ObjectIdentifier> objects = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        try {
            // Not quiet: S3 then names every key it removed, so a key it names nowhere is not taken as removed.
            return outcome(keys, s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(objects).quiet(false))));
        } catch (SdkException e) {
            // The whole request failed (a 5xx, the network): none of its keys is known to be gone.
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            Map<String, String> failed = new HashMap<>();
            keys.forEach(k -> failed.put(k, reason));
            return new Deletion(Set.of(), failed);
        }
    }

    /**
     * What one DeleteObjects response says about the keys asked: removed where it lists the key as deleted (and
     * not also as an error); failed with S3's code and message where it lists an error; failed as unconfirmed
     * where it names the key nowhere.
     */
    static Deletion outcome(List<String> asked, DeleteObjectsResponse response) {
        Set<String> askedKeys = new HashSet<>(asked);
        Map<String, String> failed = new HashMap<>();
        for (S3Error error : response.errors()) {
            if (askedKeys.contains(error.key())) {
                failed.put(error.key(), error.code() + ": " + error.message());
            }
        }
        Set<String> deleted = new HashSet<>();
        for (DeletedObject d : response.deleted()) {
            if (askedKeys.contains(d.key()) && !failed.containsKey(d.key())) {
                deleted.add(d.key());
            }
        }
        for (String key : askedKeys) {
            if (!deleted.contains(key) && !failed.containsKey(key)) {
                failed.put(key, "storage did not confirm the delete");
            }
        }
        return new Deletion(deleted, failed);
    }

    @Override
    public PresignedRequest presignPut(PutSpec spec) {
        PutObjectRequest.Builder put = PutObjectRequest.builder()
                .bucket(bucket)
                .key(spec.key())
                .contentType(spec.contentType())
                .contentLength(spec.contentLength());
        spec.checksumSha256().ifPresent(put::checksumSHA256);
        var signed = presigner.presignPutObject(p -> p.signatureDuration(spec.ttl()).putObjectRequest(put.build()));
        return toPort(signed);
    }

    @Override
    public PresignedRequest presignGet(GetSpec spec) {
        var signed = presigner.presignGetObject(p -> p.signatureDuration(spec.ttl()).getObjectRequest(g -> {
            g.bucket(bucket).key(spec.key());
            spec.contentType().ifPresent(g::responseContentType);
            spec.contentDisposition().ifPresent(g::responseContentDisposition);
        }));
        return toPort(signed);
    }

    // Shared with S3MultipartStore, so part URLs promise the same headers and expiry as whole-object ones.
    static PresignedRequest toPort(software.amazon.awssdk.awscore.presigner.PresignedRequest signed) {
        // The URL dies at X-Amz-Date + X-Amz-Expires, and X-Amz-Date is the signing time cut to whole
        // seconds; the SDK's expiration keeps the fraction, which would promise up to a second too much.
        return new PresignedRequest(URI.create(signed.url().toString()), signed.httpRequest().method().name(),
                headersToSend(signed.signedHeaders()), signed.expiration().truncatedTo(ChronoUnit.SECONDS));
    }

    // Every signed header must be sent as signed or S3 refuses the request. Host is left out:
    // HTTP clients derive it from the URL and most refuse to let callers set it.
    private static Map<String, String> headersToSend(Map<String, List<String>> signedHeaders) {
        var headers = new LinkedHashMap<String, String>();
        signedHeaders.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                headers.put(name, String.join(",", values));
            }
        });
        return Map.copyOf(headers);
    }

    // A missing bucket is also a 404, but it is misconfiguration, not a missing object.
    static boolean isMissing(S3Exception e) {
        if (e instanceof NoSuchKeyException) {
            return true;
        }
        return e.statusCode() == NOT_FOUND && !"NoSuchBucket".equals(errorCode(e));
    }

    static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    static String quote(String etag) {
        return etag == null || etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    static String unquote(String etag) {
        return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1)
                : etag;
    }
}
