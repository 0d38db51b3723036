package dev.stowage.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One stack per JVM, whose database and S3 server both answer. */
class TestStackTest {

    @Test
    void concurrentCallersGetTheSameInstance() throws Exception {
        List<Future<TestStack>> calls;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            calls = executor.invokeAll(IntStream.range(0, 8).<Callable<TestStack>>mapToObj(i -> TestStack::get).toList());
        }
        for (Future<TestStack> call : calls) {
            assertSame(TestStack.get(), call.get());
        }
    }

    @Test
    void jvmsSharingTheBuildsServersEachGetTheirOwnDatabaseAndBucket(@TempDir Path ownDir) throws Exception {
        // In a Maven build: the build's keeper (already up for TestStack.get()); elsewhere one started here.
        Path dir = Path.of(System.getProperty(SharedStack.PROPERTY, ownDir.toString()));
        SharedStack.Servers a = SharedStack.attach(dir).orElseThrow();
        SharedStack.Servers b = SharedStack.attach(dir).orElseThrow();

        assertEquals(a.s3Endpoint(), b.s3Endpoint());
        assertNotEquals(a.jdbcUrl(), b.jdbcUrl());
        assertNotEquals(a.bucket(), b.bucket());
        try (Connection ca = DriverManager.getConnection(a.jdbcUrl(), a.user(), a.password());
             Connection cb = DriverManager.getConnection(b.jdbcUrl(), b.user(), b.password())) {
            ca.createStatement().execute("create table mine (x int)");
            var tables = cb.createStatement().executeQuery(
                    "select count(*) from information_schema.tables where table_name = 'mine'");
            assertTrue(tables.next());
            assertEquals(0, tables.getInt(1), "b's database must not see a's table");
        }
    }

    @Test
    void databaseAnswers() throws Exception {
        TestStack stack = TestStack.get();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
             var rs = c.createStatement().executeQuery("select 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void s3Answers() {
        TestStack stack = TestStack.get();
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(stack.s3Endpoint())
                .forcePathStyle(true)
                .region(Region.of(stack.s3Region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            s3.putObject(b -> b.bucket(stack.bucket()).key("teststack/ping"), RequestBody.fromString("pong"));

            assertEquals("pong", s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key("teststack/ping")).asUtf8String());
        }
    }

    @Test
    void micronautPropertiesPointAtTheStack() {
        TestStack stack = TestStack.get();
        var p = stack.micronautProperties();

        assertEquals(Set.of("datasources.default.url", "datasources.default.username", "datasources.default.password",
                "datasources.default.driver-class-name", "datasources.default.dialect",
                "datasources.default.maximum-pool-size", "flyway.datasources.default.enabled", "stowage.storage.endpoint", "stowage.storage.region",
                "stowage.storage.access-key-id", "stowage.storage.secret-access-key", "stowage.storage.bucket",
                "stowage.storage.path-style", "stowage.variants.queue", "stowage.exports.secret"), p.keySet());
        assertEquals("recording", p.get("stowage.variants.queue"), "tests deliver variant work themselves");
        assertEquals(stack.jdbcUrl(), p.get("datasources.default.url"));
        assertEquals("org.postgresql.Driver", p.get("datasources.default.driver-class-name"));
        assertEquals("POSTGRES", p.get("datasources.default.dialect"));
        assertEquals(true, p.get("flyway.datasources.default.enabled"));
        assertEquals(stack.s3Endpoint().toString(), p.get("stowage.storage.endpoint"));
        assertEquals(stack.bucket(), p.get("stowage.storage.bucket"));
        assertEquals(true, p.get("stowage.storage.path-style"));
    }
}
