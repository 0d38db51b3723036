package dev.stowage.storage.s3;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Builds the S3 client and presigner from one {@link StorageSettings}, so both sign the same way. */
@Factory
public class S3Clients {

    // Built on its first call: initiating a direct upload or signing a URL never calls it, and building it loads
    // about a thousand SDK classes (bench/README.md, "Where the time goes"). The presigner needs none of it.
    @BuiltOnFirstCall
    @Singleton
    @Bean(preDestroy = "close")
    S3Client s3Client(StorageSettings settings, S3ClientSettings client) {
        return s3ClientBuilder(settings, client).build();
    }

    /** A client with {@link S3ClientSettings#DEFAULTS}, for code that builds one outside a context. */
    S3Client s3Client(StorageSettings settings) {
        return s3Client(settings, S3ClientSettings.DEFAULTS);
    }

    // Package-private for tests that watch the requests (an execution interceptor) of a client built like this one.
    static S3ClientBuilder s3ClientBuilder(StorageSettings settings) {
        return s3ClientBuilder(settings, S3ClientSettings.DEFAULTS);
    }

    static S3ClientBuilder s3ClientBuilder(StorageSettings settings, S3ClientSettings client) {
        var builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                // URLConnection starts far faster than Apache or Netty: it matters on Lambda cold starts.
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(client.connectTimeout())
                        .socketTimeout(client.readTimeout()))
                // Every retry and timeout set here, none left to the SDK's defaults (docs/deploy.md, "Timeouts
                // and retries"): standard mode retries 5xx, throttling (503 SlowDown), timeouts and I/O errors
                // with jittered exponential back-off, and the call timeout bounds them all together.
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(client.maxAttempts()).build())
                        .apiCallAttemptTimeout(client.apiCallAttemptTimeout())
                        .apiCallTimeout(client.apiCallTimeout()))
                // The SDK's default CRC trailers (aws-chunked bodies) are not understood by every
                // S3-compatible server; checksums are sent only where the API demands them.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .forcePathStyle(settings.pathStyle());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder;
    }

    @Singleton
    @Bean(preDestroy = "close")
    S3Presigner s3Presigner(StorageSettings settings) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle())
                        .build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageSettings settings) {
        if (settings.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
