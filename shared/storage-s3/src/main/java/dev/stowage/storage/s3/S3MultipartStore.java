package dev.stowage.storage.s3;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link MultipartStore} over the same bucket as {@link S3ObjectStore}. ETags are reported without quotes,
 * as S3 events carry them, and may be given back with or without.
 */
@Singleton
public class S3MultipartStore implements MultipartStore {

    // The most S3 returns in one ListParts or ListMultipartUploads page.
    private static final int PAGE = 1000;
    // What S3 answers, with 400, when it will not assemble the object from the given list.
    private static final Set<String> PARTS_REFUSED = Set.of("InvalidPart", "InvalidPartOrder", "EntityTooSmall");
    private static final Comparator<PendingUpload> OLDEST_FIRST = Comparator.comparing(PendingUpload::initiated)
            .thenComparing(PendingUpload::key)
            .thenComparing(PendingUpload::uploadId);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    public S3MultipartStore(S3Client s3, S3Presigner presigner, StorageSettings settings) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = settings.bucket();
    }

    @Override
    public String create(String key, String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
    }

    @Override
    public PresignedRequest presignPart(String key, String uploadId, int partNumber, long contentLength, Duration ttl) {
        // With the length set, Content-Length is a signed header: a body of any other length is refused.
        var signed = presigner.presignUploadPart(p -> p.signatureDuration(ttl).uploadPartRequest(u -> u
                .bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber).contentLength(contentLength)));
        return S3ObjectStore.toPort(signed);
    }

    @Override
    public Part uploadPart(String key, String uploadId, int partNumber, java.io.InputStream body, long length) {
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                .contentLength(length), software.amazon.awssdk.core.sync.RequestBody.fromInputStream(body, length))
                .eTag();
        return new Part(partNumber, S3ObjectStore.unquote(etag), length);
    }

    @Override
    public List<Part> listParts(String key, String uploadId) {
        var parts = new ArrayList<Part>();
        Integer marker = null;
        try {
            while (true) {
                Integer after = marker;
                ListPartsResponse page = s3.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .maxParts(PAGE).partNumberMarker(after));
                page.parts().forEach(p -> parts.add(
                        new Part(p.partNumber(), S3ObjectStore.unquote(p.eTag()), p.size())));
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    return List.copyOf(parts);
                }
                marker = page.nextPartNumberMarker();
                if (marker == null || marker.equals(after)) {
                    throw stuck(String.valueOf(marker));
                }
            }
        } catch (S3Exception e) {
            if (S3ObjectStore.isMissing(e)) {
                return List.of();
            }
            throw e;
        }
    }

    /**
     * A retry with the same parts of a complete that succeeded is answered like the first (s3proxy does so on
     * purpose, after S3), so empty means the upload is unknown for this part list, not that nothing was assembled.
     */
    @Override
    public Optional<String> complete(String key, String uploadId, List<Part> parts) {
        requireAscending(parts);
        // S3 documents the part ETags of CompleteMultipartUpload quoted, as UploadPart returns them.
        List<CompletedPart> completed = parts.stream()
                .map(p -> CompletedPart.builder().partNumber(p.partNumber()).eTag(S3ObjectStore.quote(p.etag())).build())
                .toList();
        try {
            CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
            return Optional.of(S3ObjectStore.unquote(done.eTag()));
        } catch (S3Exception e) {
            if (S3ObjectStore.isMissing(e)) {
                return Optional.empty();
            }
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (PARTS_REFUSED.contains(code)) {
                throw new PartsRejected(code + ": " + e.awsErrorDetails().errorMessage());
            }
            throw e;
        }
    }

    @Override
    public void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (S3Exception e) {
            if (!S3ObjectStore.isMissing(e)) {
                throw e;
            }
        }
    }

    /**
     * S3 lists uploads by key, not by age, so every page under {@code prefix} is read to find the oldest;
     * stopping after {@code limit} would let young uploads early in key order hide old ones later on.
     */
    @Override
    public List<PendingUpload> listUploads(String prefix, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        // The youngest kept is at the head, ready to be dropped when an older one turns up.
        var oldest = new PriorityQueue<PendingUpload>(OLDEST_FIRST.reversed());
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            String afterKey = keyMarker;
            String afterUploadId = uploadIdMarker;
            ListMultipartUploadsResponse page = s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)
                    .maxUploads(PAGE).keyMarker(afterKey).uploadIdMarker(afterUploadId));
            page.uploads().forEach(u -> {
                oldest.add(new PendingUpload(u.key(), u.uploadId(), u.initiated()));
                if (oldest.size() > limit) {
                    oldest.poll();
                }
            });
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            // Several uploads of one key can straddle pages: the pair of markers is what moves on.
            keyMarker = page.nextKeyMarker();
            uploadIdMarker = page.nextUploadIdMarker();
            if (keyMarker == null
                    || keyMarker.equals(afterKey) && Objects.equals(uploadIdMarker, afterUploadId)) {
                throw stuck(keyMarker + " / " + uploadIdMarker);
            }
        }
        return oldest.stream().sorted(OLDEST_FIRST).toList();
    }

    // S3 refuses an empty list (MalformedXML) and one not strictly ascending (InvalidPartOrder); s3proxy
    // sorts and de-duplicates instead. Checking here gives every server S3's answer.
    private static void requireAscending(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new PartsRejected("no parts to assemble the object from");
        }
        for (int i = 1; i < parts.size(); i++) {
            if (parts.get(i).partNumber() <= parts.get(i - 1).partNumber()) {
                throw new PartsRejected("InvalidPartOrder: part numbers must be strictly ascending, got "
                        + parts.stream().map(Part::partNumber).toList());
            }
        }
    }

    // A truncated page must move the listing on; a server that does not would otherwise loop us forever.
    private static IllegalStateException stuck(String marker) {
        return new IllegalStateException("storage listed a truncated page without a new marker: " + marker);
    }
}
