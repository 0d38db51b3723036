package dev.stowage.lambda.queue;

import dev.stowage.domain.export.ExportJob;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.variant.VariantJob;
import dev.stowage.lambda.config.Invalid;
import dev.stowage.lambda.events.ExportMessage;
import dev.stowage.lambda.events.VariantMessage;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The work queues on AWS: variant work to one SQS queue, in batches of ten (SQS's limit), export jobs to
 * another (stowage.exports.queue-url), one message each. The client is built on the
 * first send, not at start-up: most invocations of the functions that hold this bean (an upload initiated,
 * a URL signed) never send, and a Lambda cold start pays for every client it builds.
 */
@Singleton
@Requires(property = "stowage.variants.queue", value = "sqs", defaultValue = "sqs")
public class SqsWorkQueue implements WorkQueue {
    /**
     * A send is small and SQS answers in milliseconds: a few seconds bound it, well inside an API function's
     * 28 s, and a send that still fails leaves its work queued in PostgreSQL for the purger to send again.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(8);
    static final int MAX_ATTEMPTS = 3;

    /** SendMessageBatch takes at most ten entries. */
    static final int BATCH = 10;

    private final JsonMapper json;
    private final String queueUrl;
    private final String exportQueueUrl;
    private final String region;
    private final String endpoint;
    private volatile SqsClient client;

    public SqsWorkQueue(JsonMapper json, @Value("${stowage.variants.queue-url:}") String queueUrl,
                        @Value("${aws.region:us-east-1}") String region,
                        @Value("${stowage.variants.sqs-endpoint:}") String endpoint,
                        @Value("${stowage.exports.queue-url:}") String exportQueueUrl) {
        if (queueUrl.isBlank()) {
            throw Invalid.setting("stowage.variants.queue-url",
                    "must name the SQS queue (STOWAGE_VARIANT_QUEUE_URL) when stowage.variants.queue is sqs");
        }
        if (exportQueueUrl.isBlank()) {
            throw Invalid.setting("stowage.exports.queue-url",
                    "must name the SQS queue (STOWAGE_EXPORT_QUEUE_URL) when stowage.variants.queue is sqs");
        }
        this.exportQueueUrl = exportQueueUrl;
        this.json = json;
        this.queueUrl = queueUrl;
        this.region = region;
        this.endpoint = endpoint;
    }

    @Override
    public void enqueue(List<VariantJob> jobs) {
        for (int from = 0; from < jobs.size(); from += BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            List<VariantJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + BATCH));
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(VariantMessage.encode(json, chunk.get(i))).build());
            }
            SendMessageBatchResponse response = client().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused " + response.failed().size() + " of " + entries.size()
                        + " variant messages: " + response.failed().getFirst().code() + " "
                        + response.failed().getFirst().message());
            }
        }
    }

    @Override
    public void enqueueExport(ExportJob job) {
        client().sendMessage(b -> b.queueUrl(exportQueueUrl).messageBody(ExportMessage.encode(json, job)));
    }

    private SqsClient client() {
        SqsClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    var builder = SqsClient.builder().region(Region.of(region))
                            .credentialsProvider(DefaultCredentialsProvider.builder().build())
                            .httpClientBuilder(UrlConnectionHttpClient.builder()
                                    .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(READ_TIMEOUT))
                            // Set here, not left to the SDK's defaults (docs/deploy.md, "Timeouts and retries").
                            .overrideConfiguration(o -> o
                                    .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                            .maxAttempts(MAX_ATTEMPTS).build())
                                    .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                                    .apiCallTimeout(CALL_TIMEOUT));
                    if (!endpoint.isBlank()) {
                        builder.endpointOverride(URI.create(endpoint));
                    }
                    client = builder.build();
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
