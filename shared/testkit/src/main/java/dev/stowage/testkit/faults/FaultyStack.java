package dev.stowage.testkit.faults;

import dev.stowage.testkit.TestStack;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link TestStack} seen through two {@link FaultProxy}s, one before PostgreSQL and one before the S3 server,
 * with the production retry policy (three attempts) and timeouts no longer than a test should wait. The faults are the test's to inject; {@link #heal()} takes them all away.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static final FaultyStack faults = FaultyStack.start();}) it
 * heals after every test, and after the class (after its own {@code @AfterAll}, which closes what runs through the
 * proxies) closes both proxies and fails the class if either left something running.
 */
public final class FaultyStack implements AutoCloseable, AfterEachCallback, AfterAllCallback {

    private final TestStack stack;
    public final FaultProxy database;
    public final FaultProxy storage;

    private FaultyStack(TestStack stack) {
        this.stack = stack;
        this.database = FaultProxy.toJdbc(stack.jdbcUrl());
        FaultProxy s3;
        try {
            s3 = FaultProxy.to(stack.s3Endpoint());
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        this.storage = s3;
    }

    public static FaultyStack start() {
        return new FaultyStack(TestStack.get());
    }

    /**
     * The test stack's Micronaut configuration with the database and the S3 endpoint behind the proxies. The
     * production values are the same settings with longer budgets (docs/deploy.md, "Timeouts and retries").
     */
    public Map<String, Object> micronautProperties() {
        Map<String, Object> p = new LinkedHashMap<>(stack.micronautProperties());
        // In the URL, not data-source-properties: Micronaut would hand pgjdbc those names in kebab case. No
        // server-side prepared statements: every statement's SQL is on the wire, where rules match it.
        String url = database.throughJdbc(stack.jdbcUrl());
        p.put("datasources.default.url", url + (url.contains("?") ? "&" : "?")
                + "prepareThreshold=0&connectTimeout=2&socketTimeout=10");
        // One connection, as a function has; Flyway holds a second while it migrates.
        p.put("datasources.default.maximum-pool-size", 2);
        p.put("datasources.default.minimum-idle", 1);
        p.put("datasources.default.connection-timeout", 2_000);
        p.put("datasources.default.validation-timeout", 1_000);
        p.put("stowage.storage.endpoint", storage.through(stack.s3Endpoint()).toString());
        // Faults answer at once; these only bound a healthy call on a build machine that is busy (load 10 on two
        // cores has made s3proxy take over 3 s for a multipart upload).
        p.put("stowage.storage.client.connect-timeout", "2s");
        p.put("stowage.storage.client.read-timeout", "5s");
        p.put("stowage.storage.client.api-call-attempt-timeout", "5s");
        p.put("stowage.storage.client.api-call-timeout", "10s");
        p.put("stowage.storage.client.max-attempts", 3);
        // complete answers at once with what it has; the tests read the rows themselves.
        p.put("stowage.lifecycle.complete-wait", "0s");
        return p;
    }

    /** A plain connection straight to the database, past the proxy, for reading and ageing rows. */
    public Connection connect() throws SQLException {
        return stack.connect();
    }

    public TestStack stack() {
        return stack;
    }

    /** Removes every fault from both proxies. */
    public void heal() {
        database.heal();
        storage.heal();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        heal();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
        if (!database.stopped() || !storage.stopped()) {
            throw new AssertionError("the fault proxies left something running: " + database + ", " + storage);
        }
    }

    @Override
    public void close() {
        try (FaultProxy d = database; FaultProxy s = storage) {
            // both closed, the second even if the first fails
        }
    }
}
