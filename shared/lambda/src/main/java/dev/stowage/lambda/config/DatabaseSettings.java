package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.Locale;

/**
 * How the functions prove who they are to PostgreSQL: {@code stowage.database.*}.
 *
 * @param auth   {@code password} (the default: the local stack and tests) sends {@code datasources.default.password};
 *               {@code iam} sends a fresh RDS IAM authentication token on every new connection (RDS Proxy on AWS)
 * @param region the region IAM tokens are signed for; defaults to {@code AWS_REGION}, which Lambda sets
 */
// @Context so a misspelt mode stops the application at start-up, not at the first connection.
@Context
@ConfigurationProperties("stowage.database")
public record DatabaseSettings(@Bindable(defaultValue = "password") String auth, @Nullable String region) {

    /** The ways of authenticating {@code stowage.database.auth} names. */
    public enum Auth { PASSWORD, IAM }

    public DatabaseSettings {
        Auth mode = parse(auth);
        region = isBlank(region) ? System.getenv("AWS_REGION") : region;
        if (mode == Auth.IAM && isBlank(region)) {
            throw new IllegalStateException("invalid setting stowage.database.region: IAM tokens are signed for a "
                    + "region; set AWS_REGION (Lambda does) or stowage.database.region");
        }
        auth = mode.name().toLowerCase(Locale.ROOT);
        region = isBlank(region) ? null : region;
    }

    public Auth authMode() {
        return parse(auth);
    }

    private static Auth parse(String value) {
        try {
            return Auth.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("invalid setting stowage.database.auth (STOWAGE_DATABASE_AUTH): unknown value '"
                    + value + "', expected password or iam");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
