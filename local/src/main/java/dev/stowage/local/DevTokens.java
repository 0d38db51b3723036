package dev.stowage.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Mints the bearer tokens the launcher prints, signed like the local authorizer expects. */
public final class DevTokens {
    /** The issuer and audience the local authorizer requires, as an HTTP API JWT authorizer is configured. */
    public static final String ISSUER = "stowage-local";
    public static final String AUDIENCE = "stowage";

    private DevTokens() {}

    public static String mint(String secret, String subject, Duration ttl) {
        return mint(secret, subject, ttl, List.of());
    }

    /** A token for {@code subject}; {@code scopes} go into the {@code scope} claim, space-separated, as OAuth 2.0 has it. */
    public static String mint(String secret, String subject, Duration ttl, List<String> scopes) {
        try {
            Instant now = Instant.now();
            var claims = new JWTClaimsSet.Builder()
                    .subject(subject)
                    .issuer(ISSUER)
                    .audience(AUDIENCE)
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(ttl)));
            if (!scopes.isEmpty()) {
                claims.claim("scope", String.join(" ", scopes));
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign a dev token: " + e.getMessage(), e);
        }
    }
}
