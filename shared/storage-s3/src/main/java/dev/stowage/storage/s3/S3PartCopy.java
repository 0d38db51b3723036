package dev.stowage.storage.s3;

import dev.stowage.domain.port.ObjectStore.CopySpec;
import dev.stowage.domain.upload.PartPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A server-side copy in parts: {@code CreateMultipartUpload} with the headers a single {@code CopyObject} sets,
 * {@code UploadPartCopy} of byte ranges a few at a time, each pinned to the source's ETag, then
 * {@code CompleteMultipartUpload}. S3 copies every part on its own side, so the parts of one object are copied in
 * parallel and the time follows the number of rounds rather than the object's size; it also works above 5 GiB,
 * where {@code CopyObject} stops. Whatever fails, the upload is aborted once no part is in flight any more, so a
 * failed copy leaves neither a target nor an open upload (a crash is left to the purger and the bucket rule).
 */
final class S3PartCopy {

    /** S3: {@code CopyObject} copies at most this much; a larger object can only be copied in parts. */
    static final long MAX_SINGLE_COPY = 5L << 30;

    private static final ThreadFactory WORKERS = Thread.ofVirtual().name("s3-part-copy-", 0).factory();

    private final S3Client s3;
    private final String bucket;
    private final long partSize;
    private final int concurrency;

    S3PartCopy(S3Client s3, StorageSettings settings) {
        this.s3 = s3;
        this.bucket = settings.bucket();
        this.partSize = settings.copyPartSize();
        this.concurrency = settings.copyConcurrency();
    }

    /** How an object of {@code size} bytes is cut: whole parts of {@code partSize}, the last one holding the rest. */
    record Plan(long size, long partSize, int partCount) {

        /** The preferred part size, grown (in whole MiB) where the object would otherwise need over 10,000 parts. */
        static Plan of(long size, long preferredPartSize) {
            if (size <= 0) {
                throw new IllegalArgumentException("an object copied in parts has bytes, got a size of " + size);
            }
            long needed = ceilDiv(ceilDiv(size, PartPlan.MAX_PARTS), PartPlan.MIB) * PartPlan.MIB;
            long partSize = Math.max(preferredPartSize, needed);
            if (partSize > PartPlan.MAX_PART_SIZE) {
                throw new IllegalArgumentException(size + " bytes do not fit in " + PartPlan.MAX_PARTS + " parts");
            }
            return new Plan(size, partSize, (int) ceilDiv(size, partSize));
        }

        /** The source range of part {@code partNumber} (1-based), as {@code x-amz-copy-source-range} takes it. */
        String range(int partNumber) {
            long first = (partNumber - 1L) * partSize;
            long last = Math.min(size, first + partSize) - 1;
            return "bytes=" + first + "-" + last;
        }

        private static long ceilDiv(long a, long b) {
            return (a + b - 1) / b;
        }
    }

    /**
     * Copies {@code size} bytes (the size of the version {@code spec.sourceEtag()} names, as storage reported it)
     * to the target. S3's errors pass through as they are, for the caller to tell a changed or missing source.
     */
    void copy(CopySpec spec, long size) {
        Plan plan = Plan.of(size, partSize);
        // The same headers as CopyObject with REPLACE: the server's type and nothing of the uploader's.
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(spec.targetKey())
                .contentType(spec.contentType())).uploadId();
        try {
            List<CompletedPart> parts = copyParts(spec, uploadId, plan);
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(spec.targetKey()).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException | Error e) {
            abort(spec.targetKey(), uploadId, e);
            throw e;
        }
    }

    /**
     * Every part, at most {@code concurrency} in flight. After the first failure no new part starts; the parts in
     * flight finish (S3 may keep a part that lands after an abort), and only then does the first failure surface.
     */
    private List<CompletedPart> copyParts(CopySpec spec, String uploadId, Plan plan) {
        var etags = new AtomicReferenceArray<String>(plan.partCount());
        var next = new AtomicInteger(1);
        var failure = new AtomicReference<Throwable>();
        try (var workers = Executors.newThreadPerTaskExecutor(WORKERS)) {
            for (int w = Math.min(concurrency, plan.partCount()); w > 0; w--) {
                workers.execute(() -> {
                    for (int n = next.getAndIncrement(); n <= plan.partCount() && failure.get() == null;
                         n = next.getAndIncrement()) {
                        try {
                            etags.set(n - 1, copyPart(spec, uploadId, plan, n));
                        } catch (RuntimeException | Error e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
            }
        } // close() waits for every worker, also when this thread is interrupted (it then stops them)
        switch (failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(e);
        }
        var parts = new ArrayList<CompletedPart>(plan.partCount());
        for (int n = 1; n <= plan.partCount(); n++) {
            String etag = etags.get(n - 1);
            if (etag == null) {
                throw new IllegalStateException("part " + n + " of the copy to " + spec.targetKey() + " was not copied");
            }
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        return parts;
    }

    private String copyPart(CopySpec spec, String uploadId, Plan plan, int partNumber) {
        return s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(spec.sourceKey())
                        .destinationBucket(bucket).destinationKey(spec.targetKey())
                        .uploadId(uploadId).partNumber(partNumber)
                        .copySourceRange(plan.range(partNumber))
                        // Each part reads the verified version or nothing: a re-PUT midway fails the copy. Quoted:
                        // S3 takes the tag either way, s3proxy's UploadPartCopy compares the quoted form literally.
                        .copySourceIfMatch(S3ObjectStore.quote(spec.sourceEtag())))
                .copyPartResult().eTag();
    }

    // Best effort: what an abort leaves (storage failing now) the purger aborts once it is older than a lease.
    private void abort(String key, String uploadId, Throwable cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
