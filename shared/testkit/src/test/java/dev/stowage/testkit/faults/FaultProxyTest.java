package dev.stowage.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stowage.testkit.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy against a plain echo server and a plain HTTP server: each fault does what it says, once. */
class FaultProxyTest {

    ServerSocket echo;
    ExecutorService echoThreads;
    HttpServer http;

    @BeforeEach
    void startTargets() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThreads = Executors.newVirtualThreadPerTaskExecutor();
        echoThreads.execute(() -> {
            while (true) {
                Socket s;
                try {
                    s = echo.accept();
                } catch (IOException e) {
                    return;
                }
                echoThreads.execute(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException e) {
                        // the proxy reset it: what these tests are about
                    }
                });
            }
        });
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = ("target saw " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stopTargets() throws IOException {
        http.stop(0);
        echo.close();
        echoThreads.shutdownNow();
    }

    FaultProxy echoProxy() {
        return FaultProxy.to("127.0.0.1", echo.getLocalPort());
    }

    static byte[] roundTrip(FaultProxy proxy, byte[] message) throws IOException {
        try (Socket s = new Socket(proxy.host(), proxy.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(message);
            s.getOutputStream().flush();
            s.shutdownOutput();
            return readAll(s.getInputStream());
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    @Test
    void withoutRulesBytesPassBothWaysUntouched() throws IOException {
        try (FaultProxy proxy = echoProxy()) {
            byte[] message = bytes(100_000);
            assertArrayEquals(message, roundTrip(proxy, message));
            assertEquals(1, proxy.connectionsAccepted());
        }
    }

    @Test
    void theNthConnectionIsRefusedAndTheOthersPass() throws IOException {
        try (FaultProxy proxy = echoProxy()) {
            FaultProxy.Rule rule = proxy.inject(When.connection(2), Fault.refuse());
            assertArrayEquals("one".getBytes(), roundTrip(proxy, "one".getBytes()));
            assertThrows(IOException.class, () -> roundTrip(proxy, "two".getBytes()));
            assertArrayEquals("three".getBytes(), roundTrip(proxy, "three".getBytes()));
            assertEquals(1, rule.fired());
        }
    }

    @Test
    void aResetAfterKBytesDeliversExactlyKBytesAndThenFails() throws IOException {
        try (FaultProxy proxy = echoProxy()) {
            // Injected before connecting: a connection's faults are chosen when the proxy accepts it.
            proxy.inject(When.everyConnection(), Fault.resetAfter(Fault.Direction.TO_CLIENT, 1_000));
            Socket s = new Socket(proxy.host(), proxy.port());
            s.setSoTimeout(5_000);
            s.getOutputStream().write(bytes(50_000));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[4096];
            long received = 0;
            IOException failure = null;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received += n;
                }
            } catch (IOException e) {
                failure = e;
            }
            s.close();
            assertEquals(1_000, received);
            assertTrue(failure != null, "a reset, not an orderly end of stream");
        }
    }

    @Test
    void bytesMatchingAPredicateResetTheirConnectionBeforeTheyReachTheTarget() throws IOException {
        try (FaultProxy proxy = echoProxy();
             Socket s = new Socket(proxy.host(), proxy.port())) {
            FaultProxy.Rule rule = proxy.inject(When.containing("DELETE FROM assets"), Fault.refuse());
            s.setSoTimeout(5_000);
            s.getOutputStream().write("SELECT 1".getBytes());
            s.getOutputStream().flush();
            assertEquals("SELECT 1", new String(s.getInputStream().readNBytes(8)));
            s.getOutputStream().write("DELETE FROM assets".getBytes());
            s.getOutputStream().flush();
            assertThrows(IOException.class, () -> {
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            });
            assertEquals(1, rule.fired());
        }
    }

    @Test
    void aDelayedConnectionArrivesLateButWhole() throws IOException {
        try (FaultProxy proxy = echoProxy()) {
            proxy.inject(When.nextConnection(), Fault.delay(Duration.ofMillis(300)));
            long start = System.nanoTime();
            assertArrayEquals("late".getBytes(), roundTrip(proxy, "late".getBytes()));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        }
    }

    @Test
    void aMatchingHttpRequestIsAnsweredWithS3sSlowDownAndTheNextOneReachesTheTarget() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", http.getAddress().getPort());
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            FaultProxy.Rule rule = proxy.inject(When.httpRequest("PUT", "/bucket/key"), Fault.s3SlowDown());
            URI uri = proxy.through(URI.create("http://ignored:1/bucket/key"));
            HttpRequest put = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(10_000)))
                    .build();
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get.statusCode(), "another method passes");
            HttpResponse<String> refused = client.send(put, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("<Code>SlowDown</Code>"), refused.body());
            assertEquals("application/xml", refused.headers().firstValue("content-type").orElseThrow());
            HttpResponse<String> retried = client.send(put, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, retried.statusCode());
            assertEquals("target saw PUT /bucket/key", retried.body());
            assertEquals(1, rule.fired());
        }
    }

    @Test
    void aRuleFiresAsManyTimesAsItWasGivenAndHealRemovesIt() throws IOException {
        try (FaultProxy proxy = echoProxy()) {
            FaultProxy.Rule twice = proxy.inject(When.everyConnection(), Fault.refuse(), 2);
            assertThrows(IOException.class, () -> roundTrip(proxy, "a".getBytes()));
            assertThrows(IOException.class, () -> roundTrip(proxy, "b".getBytes()));
            assertArrayEquals("c".getBytes(), roundTrip(proxy, "c".getBytes()));
            assertEquals(2, twice.fired());
            proxy.inject(When.everyConnection(), Fault.refuse(), FaultProxy.ALWAYS);
            assertThrows(IOException.class, () -> roundTrip(proxy, "d".getBytes()));
            proxy.heal();
            assertArrayEquals("e".getBytes(), roundTrip(proxy, "e".getBytes()));
        }
    }

    @Test
    void closingResetsOpenConnectionsFreesThePortAndStopsEveryThread() throws Exception {
        FaultProxy proxy = echoProxy();
        Socket open = new Socket(proxy.host(), proxy.port());
        open.setSoTimeout(5_000);
        open.getOutputStream().write("hold".getBytes());
        assertEquals("hold", new String(open.getInputStream().readNBytes(4)));
        Eventually.await(Duration.ofSeconds(5), () -> proxy.openConnections() == 1, "the connection is open");
        proxy.close();
        assertEquals(0, proxy.openConnections());
        assertThrows(IOException.class, () -> {
            if (open.getInputStream().read() < 0) {
                throw new IOException("closed");
            }
        });
        open.close();
        assertThrows(IOException.class, () -> new Socket(proxy.host(), proxy.port()).close());
        assertTrue(proxy.stopped(), "every thread of the proxy has ended");
    }
}
