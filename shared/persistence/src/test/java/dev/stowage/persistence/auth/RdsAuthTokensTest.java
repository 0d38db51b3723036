package dev.stowage.persistence.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4PresignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/** The token's shape and signature, with static credentials and a fixed clock; needs no server. */
class RdsAuthTokensTest {

    private static final String PROXY = "stowage-proxy.proxy-abcdefghijkl.eu-west-1.rds.amazonaws.com";
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
    private static final AwsCredentialsProvider KEYS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

    private final RdsAuthTokens tokens = new RdsAuthTokens(KEYS, NOON);

    @Test
    void aTokenIsTheConnectRequestPresignedForRdsDbForFifteenMinutesWithoutItsScheme() {
        String token = tokens.generate(PROXY, 5432, "stowage_app", "eu-west-1");

        assertFalse(token.contains("://"), token);
        assertTrue(token.startsWith(PROXY + ":5432/?Action=connect&DBUser=stowage_app&"), token);
        assertEquals("AWS4-HMAC-SHA256", query(token, "X-Amz-Algorithm"));
        assertEquals("AKIDEXAMPLE%2F20261130%2Feu-west-1%2Frds-db%2Faws4_request", query(token, "X-Amz-Credential"));
        assertEquals("20261130T120000Z", query(token, "X-Amz-Date"));
        assertEquals("900", query(token, "X-Amz-Expires"));
        assertEquals("host", query(token, "X-Amz-SignedHeaders"));
        assertTrue(query(token, "X-Amz-Signature").matches("[0-9a-f]{64}"), token);
        assertFalse(token.contains("X-Amz-Security-Token"), "long-term keys carry no session token: " + token);
    }

    @Test
    void theTokenIsExactlyWhatTheSdksRdsTokenAlgorithmSigns() {
        // RdsUtilities.generateAuthenticationToken presigns this request with the (older) Aws4Signer; the two
        // signers must agree to the byte, or RDS would refuse the token.
        SdkHttpFullRequest connect = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.GET).protocol("https").host(PROXY).port(5432).encodedPath("/")
                .putRawQueryParameter("DBUser", "stowage_app")
                .putRawQueryParameter("Action", "connect")
                .build();
        @SuppressWarnings("deprecation")
        SdkHttpFullRequest presigned = Aws4Signer.create().presign(connect, Aws4PresignerParams.builder()
                .signingClockOverride(NOON)
                .expirationTime(NOON.instant().plus(RdsAuthTokens.LIFETIME))
                .awsCredentials(KEYS.resolveCredentials())
                .signingName("rds-db")
                .signingRegion(Region.EU_WEST_1)
                .build());
        String expected = presigned.getUri().toString().substring("https://".length());

        String token = tokens.generate(PROXY, 5432, "stowage_app", "eu-west-1");

        // The parameters' order differs (it is not signed: the canonical request sorts them); nothing else may.
        assertEquals(signature(expected), signature(token));
        assertEquals(parameters(expected), parameters(token));
        assertEquals(expected.substring(0, expected.indexOf('?')), token.substring(0, token.indexOf('?')));
    }

    @Test
    void roleCredentialsAddTheirSessionToken() {
        var role = StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session/token+1"));

        String token = new RdsAuthTokens(role, NOON).generate(PROXY, 5432, "stowage_app", "eu-west-1");

        assertEquals("session%2Ftoken%2B1", query(token, "X-Amz-Security-Token"));
        assertTrue(query(token, "X-Amz-Credential").startsWith("ASIAEXAMPLE%2F"), token);
    }

    @Test
    void theSignatureDependsOnUserHostPortRegionAndTime() {
        String base = signature(tokens.generate(PROXY, 5432, "stowage_app", "eu-west-1"));

        assertEquals(base, signature(tokens.generate(PROXY, 5432, "stowage_app", "eu-west-1")), "same input, same token");
        assertNotEquals(base, signature(tokens.generate(PROXY, 5432, "stowage_admin", "eu-west-1")));
        assertNotEquals(base, signature(tokens.generate("other." + PROXY, 5432, "stowage_app", "eu-west-1")));
        assertNotEquals(base, signature(tokens.generate(PROXY, 5433, "stowage_app", "eu-west-1")));
        assertNotEquals(base, signature(tokens.generate(PROXY, 5432, "stowage_app", "eu-central-1")));
        Clock later = Clock.offset(NOON, java.time.Duration.ofSeconds(1));
        assertNotEquals(base, signature(new RdsAuthTokens(KEYS, later).generate(PROXY, 5432, "stowage_app", "eu-west-1")));
    }

    @Test
    void aUserNameIsQueryEncoded() {
        String token = tokens.generate(PROXY, 5432, "app user&x=1", "eu-west-1");

        assertEquals("app%20user%26x%3D1", query(token, "DBUser"));
    }

    @Test
    void theClockIsReadForEveryToken() {
        var now = new java.util.concurrent.atomic.AtomicReference<>(NOON.instant());
        Clock ticking = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        RdsAuthTokens minted = new RdsAuthTokens(KEYS, ticking);
        String first = minted.generate(PROXY, 5432, "stowage_app", "eu-west-1");
        now.set(NOON.instant().plusSeconds(3600));

        String second = minted.generate(PROXY, 5432, "stowage_app", "eu-west-1");

        assertEquals("20261130T120000Z", query(first, "X-Amz-Date"));
        assertEquals("20261130T130000Z", query(second, "X-Amz-Date"));
    }

    private static String signature(String token) {
        return query(token, "X-Amz-Signature");
    }

    private static java.util.Map<String, String> parameters(String token) {
        var all = new java.util.TreeMap<String, String>();
        for (String pair : URI.create("https://" + token).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            assertEquals(null, all.put(pair.substring(0, eq), pair.substring(eq + 1)), "repeated parameter in " + token);
        }
        return all;
    }

    private static String query(String token, String name) {
        String rawQuery = URI.create("https://" + token).getRawQuery();
        Matcher m = Pattern.compile("(?:^|&)" + Pattern.quote(name) + "=([^&]*)").matcher(rawQuery);
        assertTrue(m.find(), name + " missing from " + token);
        return m.group(1);
    }
}
