package dev.stowage.localstack.front;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A request that creates an object when S3 answers 2xx, and which {@code ObjectCreated:*} event that is.
 *
 * @param eventName one of the {@link S3Events} event names
 * @param bucket    the bucket, from the path (the front only supports path-style addressing)
 * @param key       the raw (decoded) object key
 */
record ObjectCreation(String eventName, String bucket, String key) {

    /** The creation {@code method} and {@code uri} ask for, or empty when the request creates no object. */
    static Optional<ObjectCreation> of(String method, URI uri, HttpHeaders headers) {
        String path = uri.getPath(); // decoded: event keys are built from the raw key
        if (path == null || path.length() < 2) {
            return Optional.empty();
        }
        int slash = path.indexOf('/', 1);
        if (slash < 0 || slash == path.length() - 1) {
            return Optional.empty(); // a bucket-level request
        }
        String bucket = path.substring(1, slash);
        String key = path.substring(slash + 1);
        String[] params = params(uri.getRawQuery());
        String event = switch (method) {
            case "PUT" -> put(params, headers);
            // POST ?uploadId=... is CompleteMultipartUpload; POST ?uploads creates one and makes no object yet.
            case "POST" -> has(params, "uploadId") ? S3Events.COMPLETE_MULTIPART_UPLOAD : null;
            default -> null;
        };
        return Optional.ofNullable(event).map(name -> new ObjectCreation(name, bucket, key));
    }

    private static String put(String[] params, HttpHeaders headers) {
        // Any query parameter besides the SigV4 ones (presigned URLs) and the SDK's "x-id" names a
        // sub-resource (partNumber/uploadId, acl, tagging, retention...), which creates no object.
        for (String name : params) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("x-amz-") && !lower.equals("x-id")) {
                return null;
            }
        }
        boolean copy = headers.firstValue("x-amz-copy-source").isPresent() || has(params, "x-amz-copy-source");
        return copy ? S3Events.COPY : S3Events.PUT;
    }

    private static String[] params(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new String[0];
        }
        return Arrays.stream(rawQuery.split("&"))
                .filter(p -> !p.isEmpty())
                .map(p -> p.contains("=") ? p.substring(0, p.indexOf('=')) : p)
                .toArray(String[]::new);
    }

    private static boolean has(String[] params, String name) {
        return Arrays.stream(params).anyMatch(name::equalsIgnoreCase);
    }
}
