package dev.stowage.lambda.wiring;

import dev.stowage.lambda.config.DatabaseSettings;
import dev.stowage.persistence.auth.RdsIamAuthPlugin;
import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.postgresql.PGProperty;

/**
 * In {@code iam} mode, hands pgjdbc the {@link RdsIamAuthPlugin} through the pool's data-source properties (what
 * {@code datasources.default.data-source-properties} sets), so every new physical connection authenticates with a
 * fresh token; in {@code password} mode the datasource is left exactly as configured.
 */
@Singleton
public class DatabaseAuthentication implements BeanCreatedEventListener<DatasourceConfiguration> {

    private static final String VERIFY_FULL = "verify-full";

    private final DatabaseSettings settings;

    public DatabaseAuthentication(DatabaseSettings settings) {
        this.settings = settings;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration datasource = event.getBean();
        if (settings.authMode() == DatabaseSettings.Auth.IAM) {
            requireVerifiedTls(datasource);
            datasource.addDataSourceProperty(PGProperty.AUTHENTICATION_PLUGIN_CLASS_NAME.getName(),
                    RdsIamAuthPlugin.class.getName());
            datasource.addDataSourceProperty(RdsIamAuthPlugin.REGION, settings.region());
        }
        return datasource;
    }

    // A token is a bearer credential for 15 minutes: it goes only to a server whose certificate and name are checked.
    private static void requireVerifiedTls(DatasourceConfiguration datasource) {
        Object fromProperties = datasource.getDataSourceProperties().get(PGProperty.SSL_MODE.getName());
        String mode = fromProperties != null ? fromProperties.toString() : sslModeInUrl(datasource.getJdbcUrl());
        if (!VERIFY_FULL.equals(mode)) {
            throw new IllegalStateException("invalid setting datasources." + datasource.getName()
                    + ".url (STOWAGE_DATABASE_URL): stowage.database.auth=iam sends a token as the password, so the URL "
                    + "must ask for sslmode=" + VERIFY_FULL + " (it has sslmode=" + mode + ")");
        }
    }

    private static String sslModeInUrl(String url) {
        int query = url == null ? -1 : url.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            if (pair.toLowerCase(Locale.ROOT).startsWith("sslmode=")) {
                return pair.substring("sslmode=".length());
            }
        }
        return null;
    }
}
