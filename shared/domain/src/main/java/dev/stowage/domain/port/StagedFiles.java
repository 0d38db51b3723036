package dev.stowage.domain.port;

import dev.stowage.domain.Principal;
import dev.stowage.domain.stagedfile.StagedFile;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The staged-file registry's store. Everything that can add or drop a reference to a checksum's object runs
 * under that checksum's lock, so an object is released only when no entry of any principal references it,
 * and a stage racing the release of its checksum either keeps the object or finds no entry and uploads.
 */
public interface StagedFiles {

    /**
     * Creates the caller's entry for the checksum ({@code pending}) or refreshes the existing one: its TTL
     * slides from now, {@code persist} is sticky, and a pending entry takes the new declaration.
     */
    StagedFile stage(Principal owner, Declaration declaration);

    Optional<StagedFile> find(Principal owner, UUID id);

    /** The caller's entries in a stable order (creation, then id), after {@code after} when given. */
    List<StagedFile> list(Principal owner, Optional<Position> after, int limit);

    Metrics metrics(Principal owner);

    /** A present entry whose object turned out missing goes back to pending; false if it changed meanwhile. */
    boolean markPending(UUID id);

    /** Every pending entry for the checksum that declared {@code byteSize} becomes present; how many did. */
    int markPresent(String checksumHex, long byteSize);

    /** Expired entries, oldest expiry first: of one principal, or of everyone. */
    List<StagedFile> findExpired(Optional<Principal> owner, int limit);

    List<StagedFile> findAll(Principal owner, int limit);

    /**
     * Removes the given entries (only those still expired when {@code onlyIfExpired}) under their checksums' locks,
     * some dozens of checksums per transaction; for the checksums no entry references any more, {@code release}
     * gets the objects' keys, in one call per transaction, while the locks are held. Returns the entries removed.
     */
    List<StagedFile> remove(List<StagedFile> entries, boolean onlyIfExpired, Consumer<List<String>> release);

    /**
     * Runs {@code release} with the keys of those of {@code checksumsHex} no entry references, under their locks,
     * some dozens per transaction and one call each; returns the checksums released.
     */
    Set<String> releaseUnreferenced(Collection<String> checksumsHex, Consumer<List<String>> release);

    /** What a stage call declares: TTL or persist, never both. */
    record Declaration(String checksumHex, String name, long byteSize, Optional<String> contentType,
                       boolean persist, OptionalLong ttlSeconds) {}

    /** Where a page ended: the last entry's creation time and id. */
    record Position(Instant createdAt, UUID id) {}

    /** Counts and bytes of the caller's registry. */
    record Metrics(long total, long totalBytes, long persistent, long persistentBytes, long expirable,
                   long expirableBytes, long pending, long pendingBytes, Optional<Instant> soonestExpiry) {}
}
