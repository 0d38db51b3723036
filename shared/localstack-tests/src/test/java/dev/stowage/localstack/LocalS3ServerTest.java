package dev.stowage.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** s3proxy starts as a child JVM, stores objects under the base directory and goes away on close. */
class LocalS3ServerTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void storesObjectsUnderBaseDirectoryAndStopsOnClose(@TempDir Path baseDir) throws Exception {
        URI endpoint;
        long started = System.nanoTime();
        try (LocalS3Server s3 = LocalS3Server.start(Optional.of(baseDir), 0, "media", NO_ENV);
             S3Client client = S3Clients.client(s3)) {
            System.out.printf("s3proxy ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            endpoint = s3.endpoint();
            assertTrue(s3.isEmbedded());
            assertEquals("us-east-1", s3.region());

            client.putObject(PutObjectRequest.builder().bucket("media").key("a/b.txt").contentType("text/plain").build(),
                    RequestBody.fromString("hello"));
            var got = client.getObjectAsBytes(GetObjectRequest.builder().bucket("media").key("a/b.txt").build());

            assertEquals("hello", got.asUtf8String());
            assertEquals("text/plain", got.response().contentType());
            assertEquals("hello", Files.readString(baseDir.resolve("buckets/media/a/b.txt")));
            assertEquals(baseDir.resolve(LocalS3Server.LOG_FILE), s3.logFile().orElseThrow());
            // Only the bucket: configuration and log must not show up as buckets.
            assertEquals(1, client.listBuckets().buckets().size());
        }
        assertThrows(ConnectException.class, () -> get(endpoint));
        assertTrue(Files.exists(baseDir.resolve("buckets/media/a/b.txt")), "a given base directory is kept");
    }

    @Test
    void serversStartedTogetherEachBindTheirOwnPortAndServeTheirOwnBucket() throws Exception {
        // Each child binds a port of its own choosing (0) and reports it: no window in which another start,
        // here or in another process, takes the port between choosing it and binding it.
        List<String> buckets = List.of("one", "two", "three");
        List<LocalS3Server> servers = new ArrayList<>();
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LocalS3Server>> futures = new ArrayList<>();
            for (String bucket : buckets) {
                futures.add(starting.submit(() -> LocalS3Server.start(Optional.empty(), 0, bucket, NO_ENV)));
            }
            for (Future<LocalS3Server> f : futures) {
                servers.add(f.get());
            }
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertEquals(3, servers.stream().map(LocalS3Server::endpoint).distinct().count());
            for (LocalS3Server server : servers) {
                for (String bucket : buckets) {
                    int status = http.send(SignedProbe.headBucket(server.endpoint(), bucket, server.accessKey(),
                            server.secretKey()), HttpResponse.BodyHandlers.discarding()).statusCode();
                    assertEquals(bucket.equals(server.bucket()) ? 200 : 404, status, server + ", bucket " + bucket);
                }
            }
        } finally {
            servers.forEach(LocalS3Server::close);
        }
    }

    @Test
    void theReadinessProbeIsAnsweredOnlyWithOurCredentialsAndBucket() throws Exception {
        try (LocalS3Server s3 = LocalS3Server.start(Optional.empty(), 0, "probed", NO_ENV);
             HttpClient http = HttpClient.newHttpClient()) {
            assertEquals(200, status(http, SignedProbe.headBucket(s3.endpoint(), "probed", s3.accessKey(), s3.secretKey())));
            assertEquals(403, status(http, SignedProbe.headBucket(s3.endpoint(), "probed", s3.accessKey(), "another")));
            assertEquals(404, status(http, SignedProbe.headBucket(s3.endpoint(), "elsewhere", s3.accessKey(),
                    s3.secretKey())));
        }
    }

    private static int status(HttpClient http, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void temporaryBaseDirectoryIsDeletedOnClose() {
        Path log;
        try (LocalS3Server s3 = LocalS3Server.start(Optional.empty(), 0, LocalS3Server.DEFAULT_BUCKET, NO_ENV)) {
            log = s3.logFile().orElseThrow();
            assertTrue(Files.exists(log));
        }
        assertFalse(Files.exists(log.getParent()));
    }

    @Test
    void dataSurvivesRestartOnSameBaseDirectoryAndTheRestartMapsTheClassArchive(@TempDir Path baseDir)
            throws Exception {
        try (LocalS3Server s3 = LocalS3Server.start(Optional.of(baseDir), 0, "media", NO_ENV);
             S3Client client = S3Clients.client(s3)) {
            client.putObject(b -> b.bucket("media").key("kept"), RequestBody.fromString("still here"));
        }
        // Written at the latest by the child just stopped (or by an earlier one), whole, under its final name.
        Path archive = LocalS3Server.ClassArchive.of(S3ProxyJar.locate(NO_ENV)).archive();
        assertTrue(Files.size(archive) > 0, "no class archive at " + archive);
        try (LocalS3Server s3 = LocalS3Server.start(Optional.of(baseDir), 0, "media", NO_ENV);
             S3Client client = S3Clients.client(s3)) {
            assertEquals("still here", client.getObjectAsBytes(b -> b.bucket("media").key("kept")).asUtf8String());
            long pid = Long.parseLong(Files.readString(baseDir.resolve(LocalS3Server.PID_FILE)).strip());
            List<String> arguments = List.of(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow());
            assertTrue(arguments.contains("-XX:SharedArchiveFile=" + archive), arguments.toString());
        }
    }

    @Test
    void restartAfterLauncherWasKilledStopsTheOrphanedChild(@TempDir Path baseDir) throws Exception {
        Process holder = ServerHolder.start("s3", baseDir);
        try {
            long orphanPid = Long.parseLong(Files.readString(baseDir.resolve(LocalS3Server.PID_FILE)).strip());
            holder.destroyForcibly().waitFor();
            assertTrue(isAlive(orphanPid), "SIGKILL of the JVM leaves s3proxy running");

            try (LocalS3Server s3 = LocalS3Server.start(Optional.of(baseDir), 0, "media", NO_ENV)) {
                assertFalse(isAlive(orphanPid));
                assertEquals(403, get(s3.endpoint()), "the new server answers (anonymous requests are refused)");
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void externalEndpointStartsNothing() {
        var env = Map.of(LocalS3Server.ENV_ENDPOINT, "http://s3.example:9000",
                LocalS3Server.ENV_ACCESS_KEY, "ak", LocalS3Server.ENV_SECRET_KEY, "sk",
                LocalS3Server.ENV_BUCKET, "their-bucket");
        try (LocalS3Server s3 = LocalS3Server.start(Optional.empty(), 0, "ours", env)) {
            assertFalse(s3.isEmbedded());
            assertEquals(URI.create("http://s3.example:9000"), s3.endpoint());
            assertEquals("ak", s3.accessKey());
            assertEquals("sk", s3.secretKey());
            assertEquals("their-bucket", s3.bucket());
            assertEquals("us-east-1", s3.region());
            assertTrue(s3.logFile().isEmpty());
        }
    }

    @Test
    void busyPortIsRefusedUpFront() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(IllegalStateException.class,
                    () -> LocalS3Server.start(Optional.empty(), taken.getLocalPort(), "media", NO_ENV));
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
        }
    }

    @Test
    void childThatDiesIsReportedWithItsOutput(@TempDir Path dir) throws IOException {
        Path notAJar = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        // Through the environment map, not a system property: other test classes start s3proxy meanwhile.
        var e = assertThrows(IllegalStateException.class, () -> LocalS3Server.start(Optional.of(dir.resolve("base")),
                0, "media", java.util.Map.of(S3ProxyJar.ENV, notAJar.toString())));
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("broken.jar"), "carries the child's output: " + e.getMessage());
    }

    @Test
    void invalidBucketNameIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> LocalS3Server.start(Optional.empty(), 0, "Not_A_Bucket", NO_ENV));
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static int get(URI endpoint) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(endpoint).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }
    }
}
