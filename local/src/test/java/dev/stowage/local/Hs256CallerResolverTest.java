package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The local authorizer applies the HTTP API JWT authorizer's rules: signature, issuer, audience, times. */
class Hs256CallerResolverTest {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    final Hs256CallerResolver resolver = resolver();

    static Hs256CallerResolver resolver() {
        try {
            return new Hs256CallerResolver(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<String> callerOf(String token) {
        return resolver.subject(HttpRequest.GET("/v1/uploads").header("Authorization", "Bearer " + token));
    }

    static String token(String secret, UnaryOperator<JWTClaimsSet.Builder> claims) throws Exception {
        var base = new JWTClaimsSet.Builder().subject("carol").issuer(DevTokens.ISSUER).audience(DevTokens.AUDIENCE)
                .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plusSeconds(600)));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.apply(base).build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    @Test
    void aWellFormedTokenNamesItsSubject() throws Exception {
        assertEquals(Optional.of("carol"), callerOf(token(SECRET, c -> c)));
    }

    @Test
    void theLaunchersOwnTokensPass() {
        assertEquals(Optional.of("dave"), resolverNow().subject(HttpRequest.GET("/")
                .header("Authorization", "Bearer " + DevTokens.mint(SECRET, "dave", Duration.ofMinutes(5)))));
    }

    @Test
    void anOperatorTokensScopeAndARoleClaimReachTheFunctionAsTheAuthorizerHandsThem() throws Exception {
        var request = HttpRequest.GET("/v1/ops/status").header("Authorization", "Bearer "
                + DevTokens.mint(SECRET, "ops", Duration.ofMinutes(5), java.util.List.of("openid", "stowage/operator")));
        var claims = resolverNow().claims(request);
        assertEquals("openid stowage/operator", claims.get("scope"));
        assertEquals("ops", claims.get("sub"));
        var role = HttpRequest.GET("/").header("Authorization", "Bearer "
                + token(SECRET, c -> c.claim("stowage:role", "operator").claim("groups", java.util.List.of("a", "b"))));
        assertEquals("operator", resolver.claims(role).get("stowage:role"));
        assertEquals("a b", resolver.claims(role).get("groups"));
        // A token that fails any check has no claims at all.
        var forged = HttpRequest.GET("/").header("Authorization", "Bearer "
                + token("another-secret-that-is-at-least-32-bytes", c -> c.claim("scope", "stowage/operator")));
        assertEquals(java.util.Map.of(), resolver.claims(forged));
    }

    @Test
    void anotherIssuerIsRefusedEvenWithTheRightKey() throws Exception {
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.issuer("someone-else"))));
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.issuer(null))));
    }

    @Test
    void anotherAudienceIsRefused() throws Exception {
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.audience("another-api"))));
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.audience((String) null))));
    }

    @Test
    void expiredOrNeverExpiringTokensAreRefused() throws Exception {
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.expirationTime(Date.from(NOW)))));
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.expirationTime(null))));
    }

    @Test
    void tokensFromTheFutureAreRefused() throws Exception {
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(5))))));
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.issueTime(Date.from(NOW.plusSeconds(5))))));
    }

    @Test
    void anotherKeyOrNoSubjectIsRefused() throws Exception {
        assertEquals(Optional.empty(), callerOf(token("another-secret-that-is-at-least-32-bytes", c -> c)));
        assertEquals(Optional.empty(), callerOf(token(SECRET, c -> c.subject(" "))));
        assertEquals(Optional.empty(), callerOf("not.a.jwt"));
    }

    private static Hs256CallerResolver resolverNow() {
        try {
            return new Hs256CallerResolver(SECRET, Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
