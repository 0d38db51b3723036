package dev.stowage.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code assets}; state changes are compare-and-set and return the affected-row count. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AssetRows extends CrudRepository<AssetRow, UUID> {

    Optional<AssetRow> findByIdAndOwner(UUID id, String owner);

    Optional<AssetRow> findByStagingKey(String stagingKey);

    @Query("UPDATE assets SET state = :to WHERE id = :id AND state = :from")
    int transition(UUID id, String from, String to);

    /**
     * The probe's outcome. A never-attached asset's grace starts again here: a quarantined one is purged a whole
     * grace after it was judged, not after its upload began (a reprobe restarts it; an attached asset keeps NULL).
     */
    @Query("""
            UPDATE assets SET state = :to, content_type = :contentType, kind = :kind, width = :width,
                   height = :height, orientation = :orientation, duration_ms = :durationMs,
                   has_video_track = :hasVideoTrack, has_audio_track = :hasAudioTrack,
                   quarantine_reason = :quarantineReason,
                   unattached_since = CASE WHEN unattached_since IS NULL THEN NULL ELSE now() END
             WHERE id = :id AND state = 'analyzing'""")
    int recordAnalysis(UUID id, String to, String contentType, String kind, @Nullable Integer width,
                       @Nullable Integer height, @Nullable Integer orientation, @Nullable Long durationMs,
                       @Nullable Boolean hasVideoTrack, @Nullable Boolean hasAudioTrack,
                       @Nullable String quarantineReason);

    @Query("""
            UPDATE assets SET content_type = :contentType, kind = :kind, width = :width, height = :height,
                   orientation = :orientation, duration_ms = :durationMs, has_video_track = :hasVideoTrack,
                   has_audio_track = :hasAudioTrack
             WHERE id = :id AND state IN ('available', 'processing', 'ready', 'degraded')""")
    int recordProbe(UUID id, String contentType, String kind, @Nullable Integer width, @Nullable Integer height,
                    @Nullable Integer orientation, @Nullable Long durationMs, @Nullable Boolean hasVideoTrack,
                    @Nullable Boolean hasAudioTrack);

    /** validating → analyzing with a lease; the database's clock times it. */
    @Query("""
            UPDATE assets SET state = 'analyzing', lease_owner = :owner,
                   lease_until = now() + make_interval(secs => :leaseSeconds)
             WHERE id = :id AND state = 'validating'""")
    int startAnalyzing(UUID id, String owner, double leaseSeconds);

    /** An analyzing lane whose lease ran out (or that never had one) gets a new holder. */
    @Query("""
            UPDATE assets SET lease_owner = :owner, lease_until = now() + make_interval(secs => :leaseSeconds)
             WHERE id = :id AND state = 'analyzing' AND (lease_until IS NULL OR lease_until < now())""")
    int takeOverAnalyzing(UUID id, String owner, double leaseSeconds);

    /** Its holder gives the lane up: the lease has run out for the next run, whose now() is later. */
    @Query("""
            UPDATE assets SET lease_until = now() - interval '1 millisecond'
             WHERE id = :id AND state = 'analyzing' AND lease_owner = :owner""")
    int releaseAnalyzing(UUID id, String owner);

    /**
     * Assets stranded by a crash: analyzing with its lease run out, or validating or promoting (states any
     * run may finish) untouched for {@code idleSeconds}.
     */
    @Query(value = """
            SELECT * FROM assets
             WHERE (state = 'analyzing' AND (lease_until IS NULL OR lease_until < now()))
                OR (state IN ('validating', 'promoting') AND updated_at < now() - make_interval(secs => :idleSeconds))
             ORDER BY updated_at LIMIT :limit""", nativeQuery = true)
    List<AssetRow> findStranded(double idleSeconds, int limit);

    @Query(value = """
            SELECT * FROM assets a
             WHERE state = 'staged' AND updated_at < now() - make_interval(secs => :idleSeconds)
               AND NOT EXISTS (SELECT 1 FROM upload_sessions s WHERE s.asset_id = a.id)
               AND ingest = 'storage'
             ORDER BY updated_at LIMIT :limit""", nativeQuery = true)
    List<AssetRow> findOrphanStaged(double idleSeconds, int limit);

    /** Past their grace: detached (V4) or never attached (V16); each arm is one partial index's range. */
    @Query(value = """
            SELECT * FROM assets
             WHERE (detached_at < now() - make_interval(secs => :detachedSeconds)
                    OR unattached_since < now() - make_interval(secs => :unattachedSeconds))
               AND state IN ('available', 'processing', 'ready', 'degraded', 'quarantined')
             ORDER BY coalesce(detached_at + make_interval(secs => :detachedSeconds),
                               unattached_since + make_interval(secs => :unattachedSeconds))
             LIMIT :limit""", nativeQuery = true)
    List<AssetRow> findDetached(double detachedSeconds, double unattachedSeconds, int limit);

    /**
     * The purge's compare-and-set. An attach that raced it wrote this row first (clearing both marks), so the
     * statement waits for it and re-checks the marks on the new row version: the marks, not the sub-select
     * (which reads this statement's older snapshot), are what keep an attached asset.
     */
    @Query(value = """
            UPDATE assets SET state = 'deleted'
             WHERE id = :id AND state IN ('available', 'processing', 'ready', 'degraded', 'quarantined')
               AND (detached_at < now() - make_interval(secs => :detachedSeconds)
                    OR unattached_since < now() - make_interval(secs => :unattachedSeconds))
               AND NOT EXISTS (SELECT 1 FROM attachments WHERE asset_id = :id)""", nativeQuery = true)
    int markDeletedIfDetached(UUID id, double detachedSeconds, double unattachedSeconds);

    @Query(value = "SELECT * FROM assets WHERE state = 'deleted' ORDER BY updated_at LIMIT :limit", nativeQuery = true)
    List<AssetRow> findDeleted(int limit);

    @Query("DELETE FROM assets WHERE id = :id AND state = 'deleted'")
    int removeDeleted(UUID id);

    @Query("DELETE FROM assets WHERE id = :id AND state = 'staged'")
    int deleteStaged(UUID id);

    @Query(value = "DELETE FROM assets WHERE id IN (:ids) AND state = 'staged'", nativeQuery = true)
    int deleteStagedAll(java.util.Collection<UUID> ids);

    /**
     * Promotion: the asset becomes attachable, so a never-attached asset's grace starts here, not at its insert
     * (an upload session lives up to a profile's session-ttl, 48 h for video, longer than the default grace).
     * An asset someone attached keeps its NULL, though none can be attached before it is promoted.
     */
    @Query("""
            UPDATE assets SET state = 'available', storage_key = :storageKey,
                   unattached_since = CASE WHEN unattached_since IS NULL THEN NULL ELSE now() END
             WHERE id = :id AND state = 'promoting'""")
    int promote(UUID id, String storageKey);
}
