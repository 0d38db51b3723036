package dev.stowage.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code attachments}, and the asset-row writes that attaching and detaching make. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AttachmentRows extends GenericRepository<AttachmentRow, UUID> {

    /** Serialises attaches and detaches of one slot until the transaction ends. */
    @Query(value = "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))) locked",
            nativeQuery = true)
    int lockSlot(String key);

    Optional<AttachmentRow> findByPrincipalAndOwnerTypeAndOwnerIdAndSlot(String principal, String ownerType,
                                                                           String ownerId, String slot);

    /**
     * Claims the asset for an attachment: it must be the caller's and servable. Writing the row (clearing
     * {@code detached_at} and {@code unattached_since}) makes a purge that races this attach wait for it and then
     * see the asset taken.
     */
    @Query(value = """
            UPDATE assets SET detached_at = NULL, unattached_since = NULL
             WHERE id = :assetId AND owner = :principal AND state IN ('available', 'processing', 'ready', 'degraded')""",
            nativeQuery = true)
    int claimAsset(UUID assetId, String principal);

    @Query(value = """
            INSERT INTO attachments (id, principal, owner_type, owner_id, slot, asset_id, created_at)
            VALUES (:id, :principal, :ownerType, :ownerId, :slot, :assetId, now())
            ON CONFLICT (principal, owner_type, owner_id, slot)
            DO UPDATE SET id = EXCLUDED.id, asset_id = EXCLUDED.asset_id, created_at = EXCLUDED.created_at""",
            nativeQuery = true)
    int upsert(UUID id, String principal, String ownerType, String ownerId, String slot, UUID assetId);

    @Query(value = """
            DELETE FROM attachments
             WHERE principal = :principal AND owner_type = :ownerType AND owner_id = :ownerId AND slot = :slot""",
            nativeQuery = true)
    int delete(String principal, String ownerType, String ownerId, String slot);

    /** Marks an asset that no attachment references any more as detached, for the purger. */
    @Query(value = """
            UPDATE assets SET detached_at = now()
             WHERE id = :assetId AND NOT EXISTS (SELECT 1 FROM attachments WHERE asset_id = :assetId)""",
            nativeQuery = true)
    int markDetachedIfUnreferenced(UUID assetId);
}
