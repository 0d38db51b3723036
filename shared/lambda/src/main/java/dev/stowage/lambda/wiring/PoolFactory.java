package dev.stowage.lambda.wiring;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.configuration.jdbc.hikari.DatasourceFactory;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import javax.sql.DataSource;

/**
 * Each configured datasource as a {@link CheckpointablePool} instead of micronaut-jdbc-hikari's plain Hikari pool,
 * so a SnapStart snapshot can be taken with every connection closed. Otherwise the same: built as the context
 * starts, from the same {@link DatasourceConfiguration}, closed with the context.
 */
@Factory
public class PoolFactory {

    @Context
    @EachBean(DatasourceConfiguration.class)
    @Replaces(factory = DatasourceFactory.class, bean = DataSource.class)
    @Bean(preDestroy = "close")
    public CheckpointablePool dataSource(DatasourceConfiguration configuration) {
        return new CheckpointablePool(configuration);
    }
}
