package dev.stowage.persistence.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * Mints RDS IAM authentication tokens: {@code GET https://<host>:<port>/?Action=connect&DBUser=<user>} presigned
 * with SigV4 for the service {@code rds-db}, valid {@link #LIFETIME}, without its scheme.
 *
 * <p>This is what the SDK's {@code RdsUtilities.generateAuthenticationToken} produces, done with the SigV4 signer
 * and credentials chain every function jar already carries for S3: the {@code software.amazon.awssdk:rds} artifact
 * would add 3,144 classes and 5.8 MB to each 24.7 MB function jar (measured), all for this one method, and jar
 * size is cold-start time. The signing itself is the SDK's; only the request to sign is built here.
 */
public final class RdsAuthTokens {

    /** How long RDS accepts a token for a new connection; a connection opened with it stays open after that. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    static final String SIGNING_NAME = "rds-db";
    private static final String SCHEME = "https://";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final Clock clock;

    /**
     * @param credentials resolved on every token, so a caching provider (the default chain) refreshes as it must
     * @param clock       read on every token, never ahead of time (SnapStart restores a snapshot taken much earlier)
     */
    public RdsAuthTokens(AwsCredentialsProvider credentials, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A token to send as the password of a new connection to {@code host:port} as {@code user}.
     *
     * @param host   the endpoint the client connects to (the RDS Proxy's), exactly as in the JDBC URL
     * @param region the region of that endpoint
     */
    public String generate(String host, int port, String user, String region) {
        SdkHttpRequest connect = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(host)
                .port(port)
                .encodedPath("/")
                .putRawQueryParameter("Action", "connect")
                .putRawQueryParameter("DBUser", user)
                .build();
        var signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(connect)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, LIFETIME)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        String url = signed.request().getUri().toString();
        if (!url.startsWith(SCHEME)) {
            throw new IllegalStateException("the signer returned a URL without " + SCHEME);
        }
        return url.substring(SCHEME.length());
    }
}
