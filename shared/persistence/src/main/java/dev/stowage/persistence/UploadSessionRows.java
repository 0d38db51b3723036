package dev.stowage.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
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

    @Query("""
            UPDATE upload_sessions SET state = 'failed', failure_reason = :reason
             WHERE id = :id AND state = ANY(string_to_array(:from, ','))""")
    int fail(UUID id, String from, String reason);
}
