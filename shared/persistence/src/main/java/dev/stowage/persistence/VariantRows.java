package dev.stowage.persistence;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

/** SQL over {@code variants}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface VariantRows extends CrudRepository<VariantRow, UUID> {

    List<VariantRow> findByAssetIdOrderByName(UUID assetId);
}
