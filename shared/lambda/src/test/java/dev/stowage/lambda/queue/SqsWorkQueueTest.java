package dev.stowage.lambda.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.events.VariantMessage;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SQS adapter against an endpoint that answers SQS's JSON protocol as SQS does (the SDK checks each
 * message's MD5 in the answer): what goes on the wire, in batches of ten, and a refused entry is an error.
 */
class SqsWorkQueueTest {
    static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/stowage-VariantQueue";
    static final String EXPORT_QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/stowage-ExportQueue";
    final JsonMapper json = JsonMapper.createDefault();
    final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    final List<String> targets = new CopyOnWriteArrayList<>();
    /** Entry ids the fake SQS refuses. */
    volatile List<String> refuse = List.of();
    HttpServer sqs;

    @BeforeEach
    void startSqs() throws IOException {
        sqs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sqs.createContext("/", exchange -> {
            targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            @SuppressWarnings("unchecked")
            Map<String, Object> request = json.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
            requests.add(request);
            if (request.get("MessageBody") instanceof String single) { // SendMessage
                byte[] body = json.writeValueAsBytes(Map.of("MessageId", UUID.randomUUID().toString(),
                        "MD5OfMessageBody", md5(single)));
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                return;
            }
            List<Map<String, Object>> ok = new ArrayList<>();
            List<Map<String, Object>> failed = new ArrayList<>();
            for (Object e : (List<?>) request.get("Entries")) {
                Map<?, ?> entry = (Map<?, ?>) e;
                String id = (String) entry.get("Id");
                if (refuse.contains(id)) {
                    failed.add(Map.of("Id", id, "Code", "InvalidMessageContents", "SenderFault", true,
                            "Message", "refused by the test"));
                } else {
                    ok.add(Map.of("Id", id, "MessageId", UUID.randomUUID().toString(),
                            "MD5OfMessageBody", md5((String) entry.get("MessageBody"))));
                }
            }
            byte[] body = json.writeValueAsBytes(Map.of("Successful", ok, "Failed", failed));
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sqs.start();
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @AfterEach
    void stopSqs() {
        sqs.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    SqsWorkQueue queue() {
        return new SqsWorkQueue(json, QUEUE_URL, "eu-west-1", "http://127.0.0.1:" + sqs.getAddress().getPort(),
                EXPORT_QUEUE_URL);
    }

    static List<VariantJob> jobs(int n) {
        return IntStream.range(0, n).mapToObj(i -> new VariantJob(UUID.randomUUID(), UUID.randomUUID(),
                "thumb", "0123456789abcdef")).toList();
    }

    @Test
    void jobsGoOutInBatchesOfTenAsVariantMessagesOnTheConfiguredQueue() {
        List<VariantJob> jobs = jobs(23);
        SqsWorkQueue queue = queue();
        try {
            queue.enqueue(jobs);
        } finally {
            queue.close();
        }

        assertEquals(List.of(10, 10, 3), requests.stream().map(r -> ((List<?>) r.get("Entries")).size()).toList());
        assertTrue(targets.stream().allMatch("AmazonSQS.SendMessageBatch"::equals), targets.toString());
        assertTrue(requests.stream().allMatch(r -> QUEUE_URL.equals(r.get("QueueUrl"))));
        List<VariantJob> sent = requests.stream().flatMap(r -> ((List<?>) r.get("Entries")).stream())
                .map(e -> VariantMessage.decode(json, (String) ((Map<?, ?>) e).get("MessageBody")).orElseThrow())
                .toList();
        assertEquals(jobs, sent);
    }

    @Test
    void anExportJobGoesOutAsOneExportMessageOnTheExportQueue() {
        var job = new dev.stowage.domain.export.ExportJob(UUID.randomUUID());
        SqsWorkQueue queue = queue();
        try {
            queue.enqueueExport(job);
        } finally {
            queue.close();
        }

        assertEquals(List.of("AmazonSQS.SendMessage"), targets);
        assertEquals(EXPORT_QUEUE_URL, requests.getFirst().get("QueueUrl"));
        assertEquals(java.util.Optional.of(job), dev.stowage.lambda.events.ExportMessage.decode(json,
                (String) requests.getFirst().get("MessageBody")));
    }

    @Test
    void aMessageSqsRefusesFailsTheSendSoTheRowsStayQueuedForThePurger() {
        refuse = List.of("3");
        SqsWorkQueue queue = queue();
        try {
            var e = assertThrows(IllegalStateException.class, () -> queue.enqueue(jobs(5)));
            assertTrue(e.getMessage().contains("InvalidMessageContents"), e.getMessage());
        } finally {
            queue.close();
        }
    }

    @Test
    void withoutAQueueUrlTheFunctionDoesNotStartAndTheSettingIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SqsWorkQueue(json, " ", "eu-west-1", "", EXPORT_QUEUE_URL));
        assertTrue(e.getMessage().contains("stowage.variants.queue-url"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SqsWorkQueue(json, QUEUE_URL, "eu-west-1", "", ""));
        assertTrue(e.getMessage().contains("stowage.exports.queue-url"), e.getMessage());
    }

    static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
