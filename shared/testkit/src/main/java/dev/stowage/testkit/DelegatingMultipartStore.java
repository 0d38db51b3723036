package dev.stowage.testkit;

import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real {@link MultipartStore} that a test subclasses to act at one exact moment (a cancel while
 * {@code complete} checks the parts, a 5xx while storage assembles them), as {@link DelegatingObjectStore}
 * does for whole objects. Every method delegates unchanged.
 */
public class DelegatingMultipartStore implements MultipartStore {
    private final MultipartStore delegate;

    public DelegatingMultipartStore(MultipartStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String create(String key, String contentType) {
        return delegate.create(key, contentType);
    }

    @Override
    public PresignedRequest presignPart(String key, String uploadId, int partNumber, long contentLength,
                                        Duration ttl) {
        return delegate.presignPart(key, uploadId, partNumber, contentLength, ttl);
    }

    @Override
    public Part uploadPart(String key, String uploadId, int partNumber, java.io.InputStream body, long length) {
        return delegate.uploadPart(key, uploadId, partNumber, body, length);
    }

    @Override
    public List<Part> listParts(String key, String uploadId) {
        return delegate.listParts(key, uploadId);
    }

    @Override
    public Optional<String> complete(String key, String uploadId, List<Part> parts) {
        return delegate.complete(key, uploadId, parts);
    }

    @Override
    public void abort(String key, String uploadId) {
        delegate.abort(key, uploadId);
    }

    @Override
    public List<PendingUpload> listUploads(String prefix, int limit) {
        return delegate.listUploads(prefix, limit);
    }
}
