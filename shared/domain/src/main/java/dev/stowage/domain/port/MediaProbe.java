package dev.stowage.domain.port;

import dev.stowage.domain.asset.ProbeResult;

/** Measures what a file really is from its leading bytes, never from its name or the client's claim. */
public interface MediaProbe {

    /**
     * @param head the first bytes of the object (the whole object when it is small)
     * @param totalSize the object's full size
     */
    ProbeResult probe(byte[] head, long totalSize);
}
