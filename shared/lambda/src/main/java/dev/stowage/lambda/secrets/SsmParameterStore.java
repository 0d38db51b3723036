package dev.stowage.lambda.secrets;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Reads one parameter from SSM Parameter Store: {@code GetParameter} with decryption, in SSM's JSON 1.1
 * protocol, signed with the SDK's SigV4 signer and sent through its URLConnection client. Hand-made
 * because the SDK's {@code ssm} module is not served at the SDK version the project is on (2.31.66).
 * micronaut-aws-sdk-v2 is not used for the same reason SqsWorkQueue builds its own client: on the
 * classpath of this shared module, Lambda's eager singletons would build its SqsClient, HTTP client and a
 * second S3Client in every function at start-up. One instance per context (SecretsFactory), shared by
 * every secret read from SSM; nothing here is built until the first read: most invocations read none.
 * Settings are the ones
 * micronaut-aws-sdk-v2 would read, so swapping in its {@code SsmClient} later changes no configuration:
 * {@code aws.region} (on Lambda from {@code AWS_REGION}), {@code aws.services.ssm.endpoint-override},
 * and credentials from {@code aws.accessKeyId}/{@code aws.secretKey} when set (tests), else the default
 * chain (the function's role).
 */
public final class SsmParameterStore {
    private static final String TARGET = "AmazonSSM.GetParameter";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** The parameter could not be read; the message names why (never the value). */
    public static final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final JsonMapper json;
    private final String region;
    private final Optional<URI> endpoint;
    private final Optional<AwsBasicCredentials> staticCredentials;
    private volatile Client client;

    private record Client(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, URI endpoint) {}

    public SsmParameterStore(JsonMapper json, String region, Optional<URI> endpoint,
                             Optional<AwsBasicCredentials> staticCredentials) {
        this.json = json;
        this.region = region;
        this.endpoint = endpoint;
        this.staticCredentials = staticCredentials;
    }

    /** The decrypted value of a SecureString (or the value of a plain String). */
    public String secureString(String name) throws Unavailable {
        Client c = client();
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("Name", name, "WithDecryption", true));
        } catch (IOException e) {
            throw new Unavailable("could not encode the request", e);
        }
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(c.endpoint())
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET)
                .build();
        try {
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(c.credentials().resolveCredentials())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, c.region().id()));
            HttpExecuteResponse response = c.http().prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            byte[] answer;
            try (InputStream in = response.responseBody().orElse(null)) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            int status = response.httpResponse().statusCode();
            if (status / 100 != 2) {
                throw new Unavailable("SSM answered " + status + " " + errorType(answer) + " for " + name, null);
            }
            Object parameter = json.readValue(answer, Map.class).get("Parameter");
            Object value = parameter instanceof Map<?, ?> p ? p.get("Value") : null;
            if (!(value instanceof String s)) {
                throw new Unavailable("SSM's answer for " + name + " has no Parameter.Value", null);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            // Connection refused, timeouts, no credentials, an unreadable answer: all worth a retry later.
            throw new Unavailable("could not read " + name + " from SSM: " + e, e);
        }
    }

    /** SSM's JSON errors name their type in {@code __type}, sometimes with a namespace before a '#'. */
    private String errorType(byte[] answer) {
        try {
            Object type = json.readValue(answer, Map.class).get("__type");
            if (type instanceof String t) {
                return t.substring(t.indexOf('#') + 1);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the status says enough
        }
        return "(no error type)";
    }

    private Client client() {
        Client c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    Region r = region.isBlank() ? new DefaultAwsRegionProviderChain().getRegion() : Region.of(region);
                    URI uri = endpoint.orElseGet(() -> URI.create("https://ssm." + r.id() + "."
                            + (r.metadata() == null ? "amazonaws.com" : r.metadata().partition().dnsSuffix())));
                    AwsCredentialsProvider credentials = staticCredentials
                            .<AwsCredentialsProvider>map(StaticCredentialsProvider::create)
                            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
                    client = new Client(UrlConnectionHttpClient.builder()
                            .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(READ_TIMEOUT).build(),
                            credentials, r, uri);
                }
                c = client;
            }
        }
        return c;
    }

    /** Closes the HTTP client if one was built. */
    public void close() {
        Client c = client;
        if (c != null) {
            c.http().close();
        }
    }
}
