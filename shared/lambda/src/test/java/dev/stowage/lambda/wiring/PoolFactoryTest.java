package dev.stowage.lambda.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.DatabaseWatch;
import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The function's pool lives and dies with its context, seen from the database server. */
class PoolFactoryTest {

    @Test
    void closingTheContextClosesItsPoolAndEveryConnection() throws Exception {
        Map.Entry<String, String> application = DatabaseWatch.applicationName("pool-factory");
        Map<String, Object> properties = new LinkedHashMap<>(TestStack.get().micronautProperties());
        properties.put(application.getKey(), application.getValue());
        DatabaseWatch database = DatabaseWatch.of(TestStack.get());
        CheckpointablePool pool;
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            DataSource dataSource = context.getBean(DataSource.class); // micronaut-data's proxy around the pool
            pool = dataSource.unwrap(CheckpointablePool.class);
            try (Connection c = pool.getConnection()) {
                assertTrue(c.isValid(5));
            }
            assertTrue(database.connections(application.getValue()) > 0, "the pool holds its connection");
        }

        assertFalse(pool.isOpen(), "the context's close closed the pool");
        assertEquals(0, database.awaitConnections(application.getValue(), 0), "a connection outlived its context");
    }
}
