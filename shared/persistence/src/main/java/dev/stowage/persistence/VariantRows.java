package dev.stowage.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

/** SQL over {@code variants}; state changes are compare-and-set and return the affected-row count. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface VariantRows extends CrudRepository<VariantRow, UUID> {

    List<VariantRow> findByAssetIdOrderByName(UUID assetId);

    @Query("""
            UPDATE variants SET state = 'processing', recipe_digest = :recipeDigest, attempts = attempts + 1,
                   lease_owner = :owner, lease_until = now() + make_interval(secs => :leaseSeconds)
             WHERE id = :id AND (state = 'queued' OR (state = 'processing' AND lease_until < now()))""")
    int claim(UUID id, String recipeDigest, String owner, double leaseSeconds);

    @Query("""
            UPDATE variants SET state = 'ready', storage_key = :storageKey, content_type = :contentType,
                   byte_size = :byteSize, width = :width, height = :height, failure_reason = NULL,
                   lease_owner = NULL, lease_until = NULL
             WHERE id = :id AND state = 'processing' AND lease_owner = :owner""")
    int markReady(UUID id, String owner, String storageKey, String contentType, long byteSize, int width, int height);

    @Query("""
            UPDATE variants SET state = 'failed', failure_reason = :reason, lease_owner = NULL, lease_until = NULL
             WHERE id = :id AND state = 'processing' AND lease_owner = :owner""")
    int markFailed(UUID id, String owner, String reason);

    @Query("""
            UPDATE variants SET state = 'queued', lease_owner = NULL, lease_until = NULL
             WHERE id = :id AND state = 'processing' AND lease_owner = :owner""")
    int release(UUID id, String owner);

    @Query("""
            UPDATE variants SET state = 'queued', queued_at = now(), failure_reason = NULL, attempts = 0
             WHERE id = :id AND state = :from""")
    int requeue(UUID id, String from);

    @Query("UPDATE variants SET state = :to WHERE id = :id AND state = :from")
    int transition(UUID id, String from, String to);

    @Query("UPDATE variants SET queued_at = now() WHERE id = :id AND state IN ('queued', 'processing')")
    int touchQueued(UUID id);

    @Query("""
            UPDATE variants SET state = 'cancelled', lease_owner = NULL, lease_until = NULL
             WHERE id = :id AND state IN ('queued', 'processing')""")
    int cancel(UUID id);

    /** The asset settles in one statement: nothing open left, then ready or degraded. */
    @Query(value = """
            UPDATE assets a SET state = CASE WHEN NOT EXISTS (
                       SELECT 1 FROM variants v WHERE v.asset_id = a.id AND v.state <> 'ready') THEN 'ready'
                   ELSE 'degraded' END
             WHERE a.id = :assetId AND a.state = 'processing'
               AND NOT EXISTS (SELECT 1 FROM variants v WHERE v.asset_id = a.id
                                  AND v.state IN ('planned', 'queued', 'processing'))""", nativeQuery = true)
    int settle(UUID assetId);

    @Query(value = """
            SELECT * FROM variants
             WHERE state IN ('queued', 'processing') AND queued_at < now() - make_interval(secs => :idleSeconds)
               AND (state = 'queued' OR lease_until < now())
             ORDER BY queued_at LIMIT :limit""", nativeQuery = true)
    List<VariantRow> findStarved(double idleSeconds, int limit);
}
