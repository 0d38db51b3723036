package dev.stowage.bench;

import dev.stowage.localstack.LocalS3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * The throughput floor: what any implementation of the lifecycle must at least do, with nothing in between. Per
 * lifecycle and client, on a dedicated JDBC connection and the AWS SDK (URLConnection client):
 * <ol>
 *   <li>one INSERT writing an {@code assets} row and its {@code upload_sessions} row (one statement, a CTE);</li>
 *   <li>one UPDATE {@code initialized -> signed} (compare-and-set, through the schema's transition trigger);</li>
 *   <li>a presigned PUT of the JPEG to s3proxy directly (no S3 event front), then a HEAD of the object;</li>
 *   <li>one SELECT of the session row.</li>
 * </ol>
 * No HTTP API, no JSON, no probing, no copy to {@code assets/}, no delete of the staging object.
 */
final class Floor implements Load.Workload, AutoCloseable {
    private static final String INSERT = """
            WITH asset AS (
                INSERT INTO assets (id, owner, profile, state, filename, claimed_content_type, byte_size, staging_key)
                VALUES (?, ?, 'image', 'staged', 'landscape.jpg', 'image/jpeg', ?, ?)
                RETURNING id, owner, byte_size, staging_key)
            INSERT INTO upload_sessions (id, owner, asset_id, profile, strategy, state, upload_key, filename,
                                         content_type, byte_size, expires_at)
            SELECT ?, owner, id, 'image', 'presigned_put', 'initialized', staging_key, 'landscape.jpg', 'image/jpeg',
                   byte_size, now() + interval '24 hours'
              FROM asset""";
    private static final String UPDATE =
            "UPDATE upload_sessions SET state = 'signed' WHERE id = ? AND state = 'initialized'";
    private static final String SELECT = "SELECT state, upload_key, byte_size FROM upload_sessions WHERE id = ? AND owner = ?";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String bucket;
    private final byte[] jpeg;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Floor(String jdbcUrl, String user, String password, URI s3proxy, String bucket, byte[] jpeg) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.bucket = bucket;
        this.jpeg = jpeg;
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalS3Server.DEFAULT_ACCESS_KEY, LocalS3Server.DEFAULT_SECRET_KEY));
        this.s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .endpointOverride(s3proxy)
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        this.presigner = S3Presigner.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .endpointOverride(s3proxy)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public Load.Client client(int index) throws Exception {
        Connection db = DriverManager.getConnection(jdbcUrl, user, password);
        String owner = "floor-client-" + index;
        PreparedStatement insert = db.prepareStatement(INSERT);
        PreparedStatement update = db.prepareStatement(UPDATE);
        PreparedStatement select = db.prepareStatement(SELECT);
        return new Load.Client() {
            @Override
            public void lifecycle(Load.Laps laps) throws Exception {
                UUID session = UUID.randomUUID();
                UUID asset = UUID.randomUUID();
                String key = "staging/" + session + "/landscape.jpg";
                insert.setObject(1, asset);
                insert.setString(2, owner);
                insert.setLong(3, jpeg.length);
                insert.setString(4, key);
                insert.setObject(5, session);
                require(insert.executeUpdate() == 1, "insert");
                laps.lap("insert");
                update.setObject(1, session);
                require(update.executeUpdate() == 1, "update");
                PresignedPutObjectRequest signed = presigner.presignPutObject(p -> p
                        .signatureDuration(Duration.ofMinutes(15))
                        .putObjectRequest(put -> put.bucket(bucket).key(key).contentType("image/jpeg")
                                .contentLength((long) jpeg.length)));
                laps.lap("update+presign");
                put(signed);
                laps.lap("put");
                HeadObjectResponse head = s3.headObject(h -> h.bucket(bucket).key(key));
                require(head.contentLength() == jpeg.length, "head size");
                laps.lap("head");
                select.setObject(1, session);
                select.setString(2, owner);
                try (ResultSet rs = select.executeQuery()) {
                    require(rs.next() && rs.getString(1).equals("signed"), "select");
                }
                laps.lap("select");
            }

            @Override
            public void close() throws Exception {
                db.close();
            }
        };
    }

    private void put(PresignedPutObjectRequest signed) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(signed.url().toURI()).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(jpeg));
        for (Map.Entry<String, List<String>> h : signed.signedHeaders().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("content-length")) {
                put.header(h.getKey(), String.join(",", h.getValue()));
            }
        }
        HttpResponse<String> r = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        require(r.statusCode() == 200, "PUT answered " + r.statusCode() + ": " + r.body());
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("floor step failed: " + what);
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
