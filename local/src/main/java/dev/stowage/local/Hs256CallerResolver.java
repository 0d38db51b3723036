package dev.stowage.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.stowage.lambda.http.CallerResolver;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Locally the launcher does the HTTP API JWT authorizer's job, with its rules: the token is signed with
 * the configured HS256 secret, its {@code iss} is {@value DevTokens#ISSUER}, its {@code aud} includes
 * {@value DevTokens#AUDIENCE}, {@code exp} is present and in the future, {@code nbf} and {@code iat} (when
 * present) are not. The caller is its {@code sub} claim; its other claims (the {@code scope} of an operator
 * token) are handed over as the authorizer hands them to a function.
 */
@Singleton
@Requires(property = "stowage.local.jwt-secret")
public class Hs256CallerResolver implements CallerResolver {
    private final MACVerifier verifier;
    private final Clock clock;

    public Hs256CallerResolver(@Property(name = "stowage.local.jwt-secret") String secret, Clock clock)
            throws JOSEException {
        this.verifier = new MACVerifier(secret);
        this.clock = clock;
    }

    @Override
    public Optional<String> subject(HttpRequest<?> request) {
        return verified(request).map(JWTClaimsSet::getSubject).filter(s -> !s.isBlank());
    }

    @Override
    public Map<String, String> claims(HttpRequest<?> request) {
        Map<String, String> claims = new LinkedHashMap<>();
        verified(request).ifPresent(set -> set.getClaims().forEach((name, value) -> claims.put(name,
                value instanceof Collection<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(" "))
                        : value instanceof Date date ? String.valueOf(date.toInstant().getEpochSecond())
                        : String.valueOf(value))));
        return claims;
    }

    /** The token's claims when it passes every check the HTTP API's JWT authorizer makes. */
    private Optional<JWTClaimsSet> verified(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(header.substring(7).trim());
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            boolean valid = DevTokens.ISSUER.equals(claims.getIssuer())
                    && claims.getAudience().contains(DevTokens.AUDIENCE)
                    && claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().isAfter(now)
                    && notAfter(claims.getNotBeforeTime(), now)
                    && notAfter(claims.getIssueTime(), now)
                    && claims.getSubject() != null;
            return valid ? Optional.of(claims) : Optional.empty();
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }

    private static boolean notAfter(Date time, Instant now) {
        return time == null || !time.toInstant().isAfter(now);
    }
}
