package dev.stowage.testkit;

import dev.stowage.domain.port.ObjectStore;
import java.io.InputStream;
import java.util.Optional;

/**
 * A real {@link ObjectStore} that a test subclasses to act at one exact moment (a client's re-PUT or
 * cancel inside a port call), so an interleaving that timing cannot pin down runs against the real
 * services every time. Every method delegates unchanged.
 */
public class DelegatingObjectStore implements ObjectStore {
    private final ObjectStore delegate;

    public DelegatingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void put(String key, InputStream body, long length, String contentType, Optional<String> cacheControl) {
        delegate.put(key, body, length, contentType, cacheControl);
    }

    @Override
    public java.util.List<Listed> list(String prefix, Optional<String> startAfter, int limit) {
        return delegate.list(prefix, startAfter, limit);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return delegate.head(key);
    }

    @Override
    public Slice read(String key, long offset, int length) {
        return delegate.read(key, offset, length);
    }

    @Override
    public InputStream open(String key) {
        return delegate.open(key);
    }

    @Override
    public void copy(CopySpec spec) {
        delegate.copy(spec);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public Deletion deleteAll(java.util.Collection<String> keys) {
        return delegate.deleteAll(keys);
    }

    @Override
    public PresignedRequest presignPut(PutSpec spec) {
        return delegate.presignPut(spec);
    }

    @Override
    public PresignedRequest presignGet(GetSpec spec) {
        return delegate.presignGet(spec);
    }
}
