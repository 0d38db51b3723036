package dev.stowage.lambda.wiring;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.configuration.jdbc.hikari.DatasourceFactory;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Each configured datasource as a {@link CheckpointablePool} instead of micronaut-jdbc-hikari's plain Hikari pool,
 * so a SnapStart snapshot can be taken with every connection closed. Otherwise the same: built as the context
 * starts, from the same {@link DatasourceConfiguration}, closed with the context.
 *
 * <p>Closed by this factory, as micronaut-jdbc-hikari's own closes its pools, not by a {@code preDestroy} on the
 * bean: micronaut-data wraps every {@code DataSource} bean in its own proxy, and a {@code preDestroy} is called on
 * that proxy, which is no {@link CheckpointablePool} (the pool stayed open, and a ClassCastException was logged, at
 * every context close).
 */
@Factory
public class PoolFactory implements AutoCloseable {
    private final List<CheckpointablePool> pools = new CopyOnWriteArrayList<>();

    @Context
    @EachBean(DatasourceConfiguration.class)
    @Replaces(factory = DatasourceFactory.class, bean = DataSource.class)
    public CheckpointablePool dataSource(DatasourceConfiguration configuration) {
        CheckpointablePool pool = new CheckpointablePool(configuration);
        pools.add(pool);
        return pool;
    }

    @Override
    @PreDestroy
    public void close() {
        pools.forEach(CheckpointablePool::close);
        pools.clear();
    }
}
