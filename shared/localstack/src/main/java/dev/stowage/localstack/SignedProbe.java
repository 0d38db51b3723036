package dev.stowage.localstack;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@code HEAD} (or a create) of a bucket signed with AWS signature version 2, which s3proxy checks: only a server holding
 * these credentials and this bucket answers it with 200, so a readiness check cannot mistake another server
 * for ours. Version 2 because it needs no SDK and s3proxy is started accepting it.
 */
final class SignedProbe {

    private SignedProbe() {
    }

    static HttpRequest headBucket(URI endpoint, String bucket, String accessKey, String secretKey) {
        return bucketRequest("HEAD", endpoint, bucket, accessKey, secretKey);
    }

    /** {@code PUT /bucket/}: S3's CreateBucket, with no body (the server's default location). */
    static HttpRequest createBucket(URI endpoint, String bucket, String accessKey, String secretKey) {
        return bucketRequest("PUT", endpoint, bucket, accessKey, secretKey);
    }

    private static HttpRequest bucketRequest(String method, URI endpoint, String bucket, String accessKey,
                                             String secretKey) {
        String resource = "/" + bucket + "/";
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String toSign = method + "\n\n\n\nx-amz-date:" + date + "\n" + resource;
        return HttpRequest.newBuilder(endpoint.resolve(resource))
                .timeout(Duration.ofSeconds(2))
                .header("x-amz-date", date)
                .header("Authorization", "AWS " + accessKey + ":" + hmacSha1(secretKey, toSign))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private static String hmacSha1(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is unavailable", e);
        }
    }
}
