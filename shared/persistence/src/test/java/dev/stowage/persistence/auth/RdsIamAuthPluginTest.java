package dev.stowage.persistence.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.TestStack;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGProperty;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * pgjdbc really calls an authentication plugin, and what the plugin returns is what the server checks: against the
 * test stack's real PostgreSQL, for a role that must give a password.
 *
 * <p>The embedded server is initialised with {@code initdb -A trust}: every {@code pg_hba.conf} rule trusts, no
 * password is ever asked for, and pgjdbc never calls a plugin (it does so only on the server's request). So this
 * test first puts one {@code scram-sha-256} rule for its own role in front of the others, reloads, and restores the
 * file afterwards; every other role is still trusted.
 */
class RdsIamAuthPluginTest {

    private static final String PLUGIN = PGProperty.AUTHENTICATION_PLUGIN_CLASS_NAME.getName();
    private static final String ROLE = "stowage_iam_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SECRET = UUID.randomUUID().toString();

    private static TestStack stack;
    private static Path hbaFile;
    private static String originalHba;

    @BeforeAll
    static void makeTheServerAskOneRoleForItsPassword() throws Exception {
        stack = TestStack.get();
        try (Connection admin = admin()) {
            assertEquals(List.of("trust"), strings(admin,
                    "select distinct auth_method from pg_hba_file_rules where error is null"),
                    "the embedded server was expected to trust every connection (initdb -A trust)");
            hbaFile = Path.of(strings(admin, "show hba_file").getFirst());
            assertTrue(Files.isWritable(hbaFile), "this test edits the server's " + hbaFile
                    + "; it needs the embedded TestStack server, not one named by STOWAGE_DATABASE_URL");
            try (var create = admin.createStatement()) {
                create.execute("create role " + ROLE + " login password '" + SECRET + "'");
            }
            originalHba = Files.readString(hbaFile);
            Files.writeString(hbaFile, "host all " + ROLE + " samehost scram-sha-256\n" + originalHba);
            assertEquals(List.of("1 " + ROLE + " scram-sha-256"), strings(admin,
                    "select rule_number || ' ' || array_to_string(user_name, ',') || ' ' || auth_method"
                            + " from pg_hba_file_rules where rule_number = 1 and error is null"));
            strings(admin, "select pg_reload_conf()::text");
        }
        // The postmaster rereads pg_hba.conf on the SIGHUP that pg_reload_conf() sends, a moment after it returns.
        ScriptedPlugin.password = "not-" + SECRET;
        Eventually.await(Duration.ofSeconds(10), () -> refusedForPassword(() -> connectAsRole(ScriptedPlugin.class)),
                "the server to ask " + ROLE + " for a password");
    }

    @AfterAll
    static void restoreTheServer() throws Exception {
        if (originalHba == null) {
            return;
        }
        Files.writeString(hbaFile, originalHba);
        try (Connection admin = admin()) {
            strings(admin, "select pg_reload_conf()::text");
            try (var drop = admin.createStatement()) {
                drop.execute("drop role if exists " + ROLE);
            }
        }
    }

    @BeforeEach
    void forget() {
        ScriptedPlugin.constructedWith.clear();
        ScriptedPlugin.askedFor.clear();
    }

    @Test
    void pgjdbcSendsWhatThePluginReturnsAsThePassword() throws Exception {
        ScriptedPlugin.password = SECRET;

        try (Connection c = connectAsRole(ScriptedPlugin.class)) {
            assertEquals(List.of(ROLE), strings(c, "select current_user"));
        }
        assertEquals(List.of(AuthenticationRequestType.SASL), ScriptedPlugin.askedFor, "scram-sha-256 asks by SASL");
    }

    @Test
    void aPasswordFromThePluginThatIsWrongIsRefusedByTheServer() {
        ScriptedPlugin.password = SECRET + "x";

        SQLException refused = assertThrows(SQLException.class, () -> connectAsRole(ScriptedPlugin.class).close());

        assertEquals("28P01", refused.getSQLState(), refused.getMessage());
        assertEquals(1, ScriptedPlugin.askedFor.size());
    }

    @Test
    void thePluginIsGivenTheHostPortAndUserItMustSignFor() throws Exception {
        ScriptedPlugin.password = SECRET;
        try (Connection ignored = connectAsRole(ScriptedPlugin.class)) {
            assertEquals(1, ScriptedPlugin.constructedWith.size(), "one plugin per connection");
        }
        URI url = URI.create(stack.jdbcUrl().substring("jdbc:".length()));

        RdsIamAuthPlugin.Target target = RdsIamAuthPlugin.Target.of(ScriptedPlugin.constructedWith.getFirst(), "eu-west-1");

        assertEquals(new RdsIamAuthPlugin.Target(url.getHost(), url.getPort(), ROLE, "eu-west-1"), target);
        String token = new RdsAuthTokens(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "s")),
                Clock.systemUTC()).generate(target.host(), target.port(), target.user(), target.region());
        assertTrue(token.startsWith(url.getHost() + ":" + url.getPort() + "/?Action=connect&DBUser=" + ROLE + "&"), token);
    }

    @Test
    void pgjdbcBuildsTheIamPluginAndTheServerChecksItsToken() {
        String keyBefore = System.getProperty("aws.accessKeyId");
        String secretBefore = System.getProperty("aws.secretAccessKey");
        // The plugin's default credentials chain reads these first; any key signs, only RDS would accept it.
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        try {
            SQLException refused = assertThrows(SQLException.class, () -> connectAsRole(RdsIamAuthPlugin.class).close());

            // Refused by the server's password check (28P01), so the plugin made a token and pgjdbc sent it.
            assertEquals("28P01", refused.getSQLState(), refused.getMessage());
        } finally {
            restore("aws.accessKeyId", keyBefore);
            restore("aws.secretAccessKey", secretBefore);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    @Test
    void withoutARegionThePluginRefusesBeforeSigningAndTheMessageNamesWhatIsMissing() {
        Properties info = new Properties();
        info.setProperty(PGProperty.PG_HOST.getName(), "proxy.example");
        info.setProperty(PGProperty.PG_PORT.getName(), "5432");
        info.setProperty(PGProperty.USER.getName(), ROLE);

        PSQLException refused = assertThrows(PSQLException.class, () -> RdsIamAuthPlugin.Target.of(info, null));

        assertTrue(refused.getMessage().contains(RdsIamAuthPlugin.REGION) && refused.getMessage().contains("AWS_REGION"),
                refused.getMessage());
        info.setProperty(PGProperty.PG_HOST.getName(), "a.example,b.example");
        info.setProperty(RdsIamAuthPlugin.REGION, "eu-west-1");
        assertThrows(PSQLException.class, () -> RdsIamAuthPlugin.Target.of(info, null), "one token signs one host");
    }

    /** Returns the password the test sets, and records how pgjdbc used it. */
    public static final class ScriptedPlugin implements AuthenticationPlugin {
        static volatile String password;
        static final List<Properties> constructedWith = new CopyOnWriteArrayList<>();
        static final List<AuthenticationRequestType> askedFor = new CopyOnWriteArrayList<>();

        public ScriptedPlugin(Properties info) {
            Properties copy = new Properties();
            copy.putAll(info);
            constructedWith.add(copy);
        }

        @Override
        public char[] getPassword(AuthenticationRequestType type) {
            askedFor.add(type);
            return password.toCharArray();
        }
    }

    private static Connection connectAsRole(Class<? extends AuthenticationPlugin> plugin) throws SQLException {
        Properties props = new Properties();
        props.setProperty(PGProperty.USER.getName(), ROLE);
        props.setProperty(PLUGIN, plugin.getName());
        props.setProperty(RdsIamAuthPlugin.REGION, "eu-west-1");
        assertFalse(props.containsKey(PGProperty.PASSWORD.getName()));
        return DriverManager.getConnection(stack.jdbcUrl(), props);
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
    }

    private static boolean refusedForPassword(SqlAction connect) {
        try {
            connect.run().close();
            return false;
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState())) {
                return true;
            }
            throw new AssertionError("unexpected refusal while waiting for the reload", e);
        }
    }

    private interface SqlAction {
        Connection run() throws SQLException;
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
