package dev.stowage.persistence.auth;

import java.time.Clock;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * pgjdbc authentication plugin ({@code authenticationPluginClassName}) that answers the server's password request
 * with a fresh RDS IAM authentication token, so every new physical connection presents a token that is seconds old.
 *
 * <p>pgjdbc builds one plugin per connection attempt from the connection's {@link Properties}, which carry
 * {@code PGHOST}, {@code PGPORT} and {@code user} as parsed from the JDBC URL, and calls it only when the server
 * asks for a password. The region comes from the {@value #REGION} property, else from {@code AWS_REGION}.
 */
public final class RdsIamAuthPlugin implements AuthenticationPlugin {

    /** Connection property naming the region tokens are signed for. */
    public static final String REGION = "stowageAwsRegion";

    private final Properties info;

    public RdsIamAuthPlugin(Properties info) {
        this.info = info;
    }

    @Override
    public char[] getPassword(AuthenticationRequestType type) throws PSQLException {
        Target target = Target.of(info, System.getenv("AWS_REGION"));
        try {
            return Shared.TOKENS.generate(target.host(), target.port(), target.user(), target.region()).toCharArray();
        } catch (RuntimeException e) {
            // The token is never part of a message: only what it would have been for, and why there is none.
            throw new PSQLException("RDS IAM authentication: no token for " + target + ": " + e.getMessage(),
                    PSQLState.CONNECTION_REJECTED, e);
        }
    }

    /** Whom a token is for, read from the properties pgjdbc hands the plugin. */
    record Target(String host, int port, String user, String region) {

        static Target of(Properties info, String regionFromEnvironment) throws PSQLException {
            String host = PGProperty.PG_HOST.getOrDefault(info);
            if (host == null || host.isBlank() || host.contains(",")) {
                throw invalid("an IAM token is signed for exactly one host, the URL names '" + host + "'");
            }
            String port = PGProperty.PG_PORT.getOrDefault(info);
            if (port == null || !port.matches("\\d{1,5}")) {
                throw invalid("an IAM token is signed for exactly one port, the URL names '" + port + "'");
            }
            String user = PGProperty.USER.getOrDefault(info);
            if (user == null || user.isBlank()) {
                throw invalid("no user: an IAM token is signed for a database user");
            }
            String region = info.getProperty(REGION);
            if (region == null || region.isBlank()) {
                region = regionFromEnvironment;
            }
            if (region == null || region.isBlank()) {
                throw invalid("no region: set the connection property " + REGION + " or AWS_REGION");
            }
            return new Target(host, Integer.parseInt(port), user, region);
        }

        private static PSQLException invalid(String why) {
            return new PSQLException("RDS IAM authentication: " + why, PSQLState.INVALID_PARAMETER_VALUE);
        }

        @Override
        public String toString() {
            return user + "@" + host + ":" + port + " in " + region;
        }
    }

    /**
     * One credentials chain and signer for all connections (pgjdbc makes a plugin per connection). A holder class,
     * so they are built at the first connection rather than when the class loads; nothing here reads the time.
     */
    private static final class Shared {
        static final RdsAuthTokens TOKENS =
                new RdsAuthTokens(DefaultCredentialsProvider.builder().build(), Clock.systemUTC());
    }
}
