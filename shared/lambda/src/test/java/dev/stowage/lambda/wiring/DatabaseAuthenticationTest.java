package dev.stowage.lambda.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.stowage.lambda.config.DatabaseSettings;
import dev.stowage.persistence.auth.RdsIamAuthPlugin;
import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code stowage.database.auth} as the functions start: the pool they build carries the IAM plugin only in
 * {@code iam} mode. The pool is built without connecting (there is no RDS Proxy here); that pgjdbc calls the plugin
 * and sends its answer is shown against a real server by {@code RdsIamAuthPluginTest}.
 */
class DatabaseAuthenticationTest {

    private static final Properties TIMEOUTS = new Properties();

    static {
        TIMEOUTS.setProperty("connectTimeout", "5");
        TIMEOUTS.setProperty("socketTimeout", "25");
    }

    private static final String PLUGIN_PROPERTY = "authenticationPluginClassName";
    private static final String PROXY_URL = "jdbc:postgresql://stowage-proxy.proxy-abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/"
            + "stowage?sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory";

    @Test
    void iamModeGivesThePoolTheTokenPluginAndTheRegionToSignFor() throws SQLException {
        try (var context = ApplicationContext.run(properties(Map.of(
                "stowage.database.auth", "iam", "stowage.database.region", "eu-west-1")))) {
            assertEquals(DatabaseSettings.Auth.IAM, context.getBean(DatabaseSettings.class).authMode());

            for (Properties pgjdbcGets : new Properties[] {configured(context), pool(context)}) {
                assertEquals(RdsIamAuthPlugin.class.getName(), pgjdbcGets.getProperty(PLUGIN_PROPERTY), pgjdbcGets.toString());
                assertEquals("eu-west-1", pgjdbcGets.getProperty(RdsIamAuthPlugin.REGION));
            }
            assertEquals("stowage_app", hikari(context).getUsername(), "the database user a token is signed for");
        }
    }

    @Test
    void theDriverAndThePoolWaitNoLongerThanAnApiFunctionLives() throws SQLException {
        try (var context = ApplicationContext.run(properties(Map.of()))) {
            Properties driver = pool(context);
            assertEquals("5", driver.getProperty("connectTimeout"));
            assertEquals("25", driver.getProperty("socketTimeout"), "below the API functions' 28 s");
            assertEquals(5_000, hikari(context).getConnectionTimeout(), "Hikari's default is 30 s");
            assertEquals(2_000, hikari(context).getValidationTimeout());
        }
    }

    @Test
    void theModeIsReadWhateverItsCase() {
        try (var context = ApplicationContext.run(properties(Map.of(
                "stowage.database.auth", " IAM ", "stowage.database.region", "eu-west-1")))) {
            assertEquals(RdsIamAuthPlugin.class.getName(), configured(context).getProperty(PLUGIN_PROPERTY));
        }
    }

    @Test
    void passwordModeIsTheDefaultAndLeavesTheDatasourceAsConfigured() throws SQLException {
        try (var context = ApplicationContext.run(properties(Map.of("datasources.default.password", "s3cret")))) {
            assertEquals(DatabaseSettings.Auth.PASSWORD, context.getBean(DatabaseSettings.class).authMode());

            // Nothing but the driver's timeouts, which every mode gets (application.yml).
            assertEquals(TIMEOUTS, configured(context), configured(context).toString());
            assertEquals(TIMEOUTS, pool(context), pool(context).toString());
            assertEquals("s3cret", hikari(context).getPassword());
        }
    }

    @Test
    void anUnknownModeStopsStartUpNamingTheSetting() {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(properties(Map.of("stowage.database.auth", "iam-ish"))).close());

        String messages = messages(failure);
        assertTrue(messages.contains("stowage.database.auth") && messages.contains("STOWAGE_DATABASE_AUTH")
                && messages.contains("'iam-ish'"), messages);
    }

    @Test
    void iamModeRefusesAUrlThatDoesNotVerifyTheServer() {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties(Map.of(
                "stowage.database.auth", "iam", "stowage.database.region", "eu-west-1",
                "datasources.default.url", PROXY_URL.replace("verify-full", "require")))).close());

        String messages = messages(failure);
        assertTrue(messages.contains("datasources.default.url") && messages.contains("sslmode=verify-full")
                && messages.contains("sslmode=require"), messages);
    }

    @Test
    void iamModeAcceptsVerifiedTlsSetAsADataSourceProperty() {
        try (var context = ApplicationContext.run(properties(Map.of(
                "stowage.database.auth", "iam", "stowage.database.region", "eu-west-1",
                "datasources.default.url", PROXY_URL.substring(0, PROXY_URL.indexOf('?')),
                "datasources.default.data-source-properties.sslmode", "verify-full")))) {
            assertEquals(RdsIamAuthPlugin.class.getName(), configured(context).getProperty(PLUGIN_PROPERTY));
        }
    }

    private static Map<String, Object> properties(Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put("datasources.default.url", PROXY_URL);
        p.put("datasources.default.username", "stowage_app");
        // Build the pool without the first connection Hikari otherwise opens at start-up: no proxy answers here.
        p.put("datasources.default.initialization-fail-timeout", -1);
        p.put("stowage.storage.bucket", "stowage-test");
        p.putAll(overrides);
        return p;
    }

    private static Properties configured(ApplicationContext context) {
        return context.getBean(DatasourceConfiguration.class, Qualifiers.byName("default")).getDataSourceProperties();
    }

    private static Properties pool(ApplicationContext context) throws SQLException {
        return hikari(context).getDataSourceProperties();
    }

    private static HikariDataSource hikari(ApplicationContext context) throws SQLException {
        DataSource dataSource = context.getBean(DataSource.class);
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        assertFalse(hikari.isClosed());
        return hikari;
    }

    private static String messages(Throwable failure) {
        var all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
