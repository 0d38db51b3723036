package dev.stowage.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code upload_sessions}; state changes are compare-and-set and return the affected-row count. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UploadSessionRows extends CrudRepository<UploadSessionRow, UUID> {

    Optional<UploadSessionRow> findByIdAndOwner(UUID id, String owner);

    Optional<UploadSessionRow> findByUploadKey(String uploadKey);

    /** {@code from} is a comma-separated list of states. */
    @Query("UPDATE upload_sessions SET state = :to WHERE id = :id AND state = ANY(string_to_array(:from, ','))")
    int transition(UUID id, String from, String to);

    /** Into a lane (uploaded, verifying) with a lease; the database's clock times it. */
    @Query("""
            UPDATE upload_sessions SET state = :to, lease_owner = :owner,
                   lease_until = now() + make_interval(secs => :leaseSeconds)
             WHERE id = :id AND state = ANY(string_to_array(:from, ','))""")
    int claim(UUID id, String from, String to, String owner, double leaseSeconds);

    /** A verifying lane whose lease ran out (or that never had one) gets a new holder. */
    @Query("""
            UPDATE upload_sessions SET lease_owner = :owner, lease_until = now() + make_interval(secs => :leaseSeconds)
             WHERE id = :id AND state = 'verifying' AND (lease_until IS NULL OR lease_until < now())""")
    int takeOverVerifying(UUID id, String owner, double leaseSeconds);

    /** Its holder gives the lane up: the lease has run out for the next invocation, whose now() is later. */
    @Query("""
            UPDATE upload_sessions SET lease_until = now() - interval '1 millisecond'
             WHERE id = :id AND state = 'verifying' AND lease_owner = :owner""")
    int releaseVerifying(UUID id, String owner);

    @Query(value = """
            SELECT * FROM upload_sessions
             WHERE state IN ('uploaded', 'verifying') AND (lease_until IS NULL OR lease_until < now())
             ORDER BY lease_until NULLS FIRST LIMIT :limit""", nativeQuery = true)
    List<UploadSessionRow> findStaleLanes(int limit);

    @Query("UPDATE upload_sessions SET multipart_upload_id = :uploadId WHERE id = :id AND multipart_upload_id IS NULL")
    int recordMultipartUpload(UUID id, String uploadId);

    @Query(value = """
            SELECT * FROM upload_sessions
             WHERE state IN ('initialized', 'signed', 'resuming', 'uploading') AND expires_at <= :now
             ORDER BY id LIMIT :limit""", nativeQuery = true)
    List<UploadSessionRow> findExpirable(Instant now, int limit);

    @Query(value = """
            SELECT * FROM upload_sessions
             WHERE state IN ('initialized', 'signed', 'resuming', 'uploading') AND expires_at <= :now AND id > :after
             ORDER BY id LIMIT :limit""", nativeQuery = true)
    List<UploadSessionRow> findExpirableAfter(Instant now, UUID after, int limit);

    @Query(value = """
            SELECT count(*) FROM upload_sessions
             WHERE state IN ('initialized', 'signed', 'resuming', 'uploading') AND expires_at <= :now""",
            nativeQuery = true)
    int countExpirable(Instant now);

    @Query(value = """
            SELECT * FROM upload_sessions
             WHERE state IN ('aborted', 'expired', 'failed') AND asset_id IS NOT NULL
             ORDER BY id LIMIT :limit""", nativeQuery = true)
    List<UploadSessionRow> findResidue(int limit);

    @Query(value = """
            SELECT * FROM upload_sessions
             WHERE state IN ('aborted', 'expired', 'failed') AND asset_id IS NOT NULL AND id > :after
             ORDER BY id LIMIT :limit""", nativeQuery = true)
    List<UploadSessionRow> findResidueAfter(UUID after, int limit);

    @Query(value = """
            SELECT count(*) FROM upload_sessions
             WHERE state IN ('aborted', 'expired', 'failed') AND asset_id IS NOT NULL""", nativeQuery = true)
    int countResidue();

    @Query(value = "SELECT multipart_upload_id FROM upload_sessions WHERE multipart_upload_id IN (:uploadIds)",
            nativeQuery = true)
    List<String> findKnownMultipartUploads(Collection<String> uploadIds);

    @Query("""
            UPDATE upload_sessions SET state = 'failed', failure_reason = :reason
             WHERE id = :id AND state = ANY(string_to_array(:from, ','))""")
    int fail(UUID id, String from, String reason);
}
