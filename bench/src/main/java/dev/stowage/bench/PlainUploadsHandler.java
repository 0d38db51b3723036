package dev.stowage.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * The cold-start floor: the two uploads routes the probe calls, written the way a hand-rolled Lambda would be.
 * No DI, no framework, no JSON library, no connection pool: one JDBC connection from {@link DriverManager} and an
 * AWS SDK v2 {@link S3Presigner}, configured from the same environment variables as the Stowage function.
 *
 * <p>It writes the same rows (an {@code assets} row and an {@code upload_sessions} row in one transaction), makes
 * the same {@code initialized -> signed} compare-and-set and presigns the same PUT (content type and length bound).
 */
public final class PlainUploadsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Pattern STRING_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+)");
    private static final Pattern SIGN_PATH = Pattern.compile("/v1/uploads/([0-9a-fA-F-]{36})/url");
    private static final List<String> IMAGE_TYPES = List.of("image/jpeg", "image/png", "image/gif", "image/webp");
    private static final long IMAGE_MAX_BYTES = 25L * 1024 * 1024;
    private static final Duration SESSION_TTL = Duration.ofHours(24);
    private static final Duration SIGN_TTL = Duration.ofMinutes(15);

    private final Connection db;
    private final S3Presigner presigner;
    private final String bucket;

    public PlainUploadsHandler() {
        try {
            db = DriverManager.getConnection(env("STOWAGE_DATABASE_URL"), env("STOWAGE_DATABASE_USER"),
                    env("STOWAGE_DATABASE_PASSWORD"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the database", e);
        }
        bucket = env("STOWAGE_BUCKET");
        presigner = S3Presigner.builder()
                .region(Region.of(env("STOWAGE_STORAGE_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env("STOWAGE_STORAGE_ACCESS_KEY_ID"), env("STOWAGE_STORAGE_SECRET_ACCESS_KEY"))))
                .endpointOverride(URI.create(env("STOWAGE_STORAGE_ENDPOINT")))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(Boolean.parseBoolean(env("STOWAGE_STORAGE_PATH_STYLE")))
                        .build())
                .build();
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String subject = event.getRequestContext().getAuthorizer().getJwt().getClaims().get("sub");
        if (subject == null || subject.isBlank()) {
            return reply(401, "{\"title\":\"unauthenticated\"}");
        }
        String method = event.getRequestContext().getHttp().getMethod();
        String path = event.getRawPath();
        try {
            if (method.equals("POST") && path.equals("/v1/uploads")) {
                return initiate(subject, event.getBody());
            }
            Matcher sign = SIGN_PATH.matcher(path);
            if (method.equals("POST") && sign.matches()) {
                return sign(subject, UUID.fromString(sign.group(1)));
            }
            return reply(404, "{\"title\":\"no route\"}");
        } catch (SQLException e) {
            return reply(500, "{\"title\":\"" + e.getMessage().replace('"', '\'') + "\"}");
        }
    }

    private APIGatewayV2HTTPResponse initiate(String owner, String body) throws SQLException {
        String profile = field(STRING_FIELD, body, "profile");
        String filename = field(STRING_FIELD, body, "filename");
        String contentType = field(STRING_FIELD, body, "contentType");
        String strategy = field(STRING_FIELD, body, "strategy");
        String size = field(NUMBER_FIELD, body, "byteSize");
        if (!"image".equals(profile) || filename == null || filename.contains("/") || !"direct".equals(strategy)
                || !IMAGE_TYPES.contains(contentType) || size == null) {
            return reply(422, "{\"title\":\"invalid upload\"}");
        }
        long byteSize = Long.parseLong(size);
        if (byteSize <= 0 || byteSize > IMAGE_MAX_BYTES) {
            return reply(422, "{\"title\":\"invalid size\"}");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID sessionId = UUID.randomUUID();
        UUID assetId = UUID.randomUUID();
        String key = "staging/" + sessionId + "/" + filename;
        Instant expires = now.plus(SESSION_TTL);
        db.setAutoCommit(false);
        try (PreparedStatement asset = db.prepareStatement("INSERT INTO assets (id, owner, profile, state, filename,"
                + " claimed_content_type, byte_size, checksum_sha256, staging_key, created_at, updated_at)"
                + " VALUES (?, ?, ?, 'staged', ?, ?, ?, NULL, ?, ?, ?)");
             PreparedStatement session = db.prepareStatement("INSERT INTO upload_sessions (id, owner, asset_id,"
                     + " profile, strategy, state, upload_key, filename, content_type, byte_size, checksum_sha256,"
                     + " expires_at, created_at, updated_at)"
                     + " VALUES (?, ?, ?, ?, 'presigned_put', 'initialized', ?, ?, ?, ?, NULL, ?, ?, ?)")) {
            asset.setObject(1, assetId);
            asset.setString(2, owner);
            asset.setString(3, profile);
            asset.setString(4, filename);
            asset.setString(5, contentType);
            asset.setLong(6, byteSize);
            asset.setString(7, key);
            asset.setTimestamp(8, Timestamp.from(now));
            asset.setTimestamp(9, Timestamp.from(now));
            asset.executeUpdate();
            session.setObject(1, sessionId);
            session.setString(2, owner);
            session.setObject(3, assetId);
            session.setString(4, profile);
            session.setString(5, key);
            session.setString(6, filename);
            session.setString(7, contentType);
            session.setLong(8, byteSize);
            session.setTimestamp(9, Timestamp.from(expires));
            session.setTimestamp(10, Timestamp.from(now));
            session.setTimestamp(11, Timestamp.from(now));
            session.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        return reply(201, session(sessionId, assetId, "initialized", filename, contentType, byteSize, expires, now));
    }

    private APIGatewayV2HTTPResponse sign(String owner, UUID sessionId) throws SQLException {
        String state;
        String key;
        String filename;
        String contentType;
        long byteSize;
        UUID assetId;
        Instant expires;
        Instant created;
        try (PreparedStatement find = db.prepareStatement("SELECT state, upload_key, filename, content_type,"
                + " byte_size, asset_id, expires_at, created_at FROM upload_sessions WHERE id = ? AND owner = ?")) {
            find.setObject(1, sessionId);
            find.setString(2, owner);
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return reply(404, "{\"title\":\"no upload session\"}");
                }
                state = rs.getString(1);
                key = rs.getString(2);
                filename = rs.getString(3);
                contentType = rs.getString(4);
                byteSize = rs.getLong(5);
                assetId = rs.getObject(6, UUID.class);
                expires = rs.getTimestamp(7).toInstant();
                created = rs.getTimestamp(8).toInstant();
            }
        }
        Instant now = Instant.now();
        if (!now.isBefore(expires)) {
            return reply(410, "{\"title\":\"session expired\"}");
        }
        if (state.equals("initialized")) {
            try (PreparedStatement cas = db.prepareStatement(
                    "UPDATE upload_sessions SET state = 'signed' WHERE id = ? AND state = 'initialized'")) {
                cas.setObject(1, sessionId);
                cas.executeUpdate();
            }
            state = "signed";
        }
        if (!state.equals("signed")) {
            return reply(409, "{\"title\":\"session is " + state + "\"}");
        }
        Duration ttl = Duration.between(now, expires).compareTo(SIGN_TTL) < 0 ? Duration.between(now, expires)
                : SIGN_TTL;
        PresignedPutObjectRequest signed = presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(put -> put.bucket(bucket).key(key).contentType(contentType).contentLength(byteSize)));
        StringBuilder headers = new StringBuilder();
        for (Map.Entry<String, List<String>> h : signed.signedHeaders().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("host")) {
                headers.append(headers.isEmpty() ? "" : ",").append('"').append(h.getKey()).append("\":\"")
                        .append(String.join(",", h.getValue())).append('"');
            }
        }
        return reply(200, "{\"url\":\"" + signed.url() + "\",\"method\":\"PUT\",\"headers\":{" + headers
                + "},\"expiresAt\":\"" + signed.expiration().truncatedTo(ChronoUnit.SECONDS) + "\",\"session\":"
                + session(sessionId, assetId, state, filename, contentType, byteSize, expires, created) + "}");
    }

    private static String session(UUID id, UUID assetId, String state, String filename, String contentType,
                                  long byteSize, Instant expires, Instant created) {
        return "{\"id\":\"" + id + "\",\"assetId\":\"" + assetId + "\",\"profile\":\"image\",\"strategy\":\"direct\","
                + "\"state\":\"" + state + "\",\"filename\":\"" + filename + "\",\"contentType\":\"" + contentType
                + "\",\"byteSize\":" + byteSize + ",\"expiresAt\":\"" + expires + "\",\"createdAt\":\"" + created
                + "\"}";
    }

    private static String field(Pattern pattern, String json, String name) {
        Matcher m = pattern.matcher(json == null ? "" : json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return null;
    }

    private static APIGatewayV2HTTPResponse reply(int status, String json) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(json)
                .withIsBase64Encoded(false)
                .build();
    }
}
