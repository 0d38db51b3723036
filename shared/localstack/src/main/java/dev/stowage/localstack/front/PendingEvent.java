package dev.stowage.localstack.front;

import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An object creation that succeeded upstream, captured when the reply arrived and turned into the
 * event JSON only after the client has its response.
 */
record PendingEvent(
        ObjectCreation creation,
        Instant time,
        String sequencer,
        String principalId,
        String sourceIp,
        HttpHeaders requestHeaders,
        HttpHeaders responseHeaders,
        long bytesSent,
        byte[] responseBody) {

    private static final Pattern ETAG = Pattern.compile("<ETag>([^<]*)</ETag>");
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

    /**
     * The notification, or empty when the reply body says the request failed after all (S3 may answer
     * CompleteMultipartUpload and CopyObject with 200 and an {@code <Error>} body).
     */
    Optional<String> toJson(String region, String configurationId, Function<String, OptionalLong> sizeLookup) {
        String body = new String(responseBody, StandardCharsets.UTF_8);
        if (body.contains("<Error>")) {
            return Optional.empty();
        }
        Matcher etag = ETAG.matcher(body);
        String eTag = etag.find() ? etag.group(1) : responseHeaders.firstValue("ETag").orElse("");
        var event = new S3Events.ObjectCreated(creation.eventName(), region, time, principalId, sourceIp,
                responseHeaders.firstValue("x-amz-request-id").orElseGet(S3Events::newRequestId),
                responseHeaders.firstValue("x-amz-id-2").orElseGet(S3Events::newHostId),
                configurationId, creation.bucket(), "STOWAGELOCAL", creation.key(), size(sizeLookup),
                unquote(eTag), sequencer);
        return Optional.of(event.toJson());
    }

    private long size(Function<String, OptionalLong> sizeLookup) {
        if (creation.eventName().equals(S3Events.PUT)) {
            // aws-chunked bodies carry signatures between chunks; the object is the decoded length.
            return requestHeaders.firstValueAsLong("x-amz-decoded-content-length").orElse(bytesSent);
        }
        // A copy or a multipart completion carries no length: only the stored object knows it.
        return sizeLookup.apply(creation.key()).orElse(0);
    }

    /** "AWS:" and the access key id that signed the request, like S3's principal of an IAM user. */
    static String principalOf(String authorization, String rawQuery) {
        String source = authorization != null ? authorization
                : rawQuery == null ? "" : URLDecoder.decode(rawQuery.replace("+", "%2B"), StandardCharsets.UTF_8);
        Matcher m = CREDENTIAL.matcher(source.replace("X-Amz-Credential=", "Credential="));
        return m.find() ? "AWS:" + m.group(1) : "ANONYMOUS";
    }

    private static String unquote(String eTag) {
        return eTag.replace("&quot;", "").replace("&#34;", "").replace("\"", "").trim();
    }
}
