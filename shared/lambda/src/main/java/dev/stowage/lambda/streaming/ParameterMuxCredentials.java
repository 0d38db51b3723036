package dev.stowage.lambda.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.lambda.http.Problems;
import dev.stowage.lambda.secrets.CachedParameter;
import dev.stowage.lambda.secrets.SsmParameterStore;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The Mux credentials on AWS: the SSM SecureStrings {@code stowage.streaming.mux.token-parameter} (holding
 * {@code "<token id>:<token secret>"}) and {@code webhook-signing-parameter} name, each read on first use and
 * kept for {@code credentials-cache-ttl} by {@link CachedParameter}. A value set in configuration wins over
 * its parameter, as for the exports secret. A parameter that cannot be read (SSM down, no such parameter, no
 * permission) or holds no usable value is {@code provider_credentials_unavailable}: a 503 with Retry-After,
 * which Mux's webhook retries ride out, where a 401 would make Mux drop the event.
 */
@Singleton
@Primary
@Requires(condition = ParameterMuxCredentials.Named.class)
public final class ParameterMuxCredentials implements MuxCredentials {
    static final String UNAVAILABLE = "the Mux credentials cannot be read right now; try again shortly";

    private final MuxSettings settings;
    private final Optional<CachedParameter<Token>> token;
    private final Optional<CachedParameter<String>> webhookSecret;

    public ParameterMuxCredentials(MuxSettings settings, Provider<SsmParameterStore> ssm, Clock clock) {
        this.settings = settings;
        Duration failureTtl = Duration.ofSeconds(Problems.RETRY_AFTER_SECONDS);
        CachedParameter.Source source = name -> ssm.get().secureString(name);
        this.token = FromConfiguration.present(settings.tokenParameter()).map(name -> new CachedParameter<>(
                "Mux access token", source, name, ParameterMuxCredentials::token,
                ErrorCode.PROVIDER_CREDENTIALS_UNAVAILABLE, UNAVAILABLE, clock, settings.credentialsCacheTtl(),
                failureTtl));
        this.webhookSecret = FromConfiguration.present(settings.webhookSigningParameter()).map(name ->
                new CachedParameter<>("Mux webhook signing secret", source, name, ParameterMuxCredentials::secret,
                        ErrorCode.PROVIDER_CREDENTIALS_UNAVAILABLE, UNAVAILABLE, clock,
                        settings.credentialsCacheTtl(), failureTtl));
    }

    @Override
    public Result<Optional<Token>> token() {
        Optional<Token> configured = FromConfiguration.configuredToken(settings);
        if (configured.isPresent() || token.isEmpty()) {
            return Result.ok(configured);
        }
        return token.get().get().map(Optional::of);
    }

    @Override
    public Result<Optional<String>> webhookSecret() {
        Optional<String> configured = FromConfiguration.present(settings.webhookSecret());
        if (configured.isPresent() || webhookSecret.isEmpty()) {
            return Result.ok(configured);
        }
        return webhookSecret.get().get().map(Optional::of);
    }

    /** {@code "<token id>:<token secret>"}; the messages name what is wrong, never the value. */
    static Token token(String value) {
        String v = value == null ? "" : value.strip();
        int colon = v.indexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new IllegalArgumentException("is not \"<token id>:<token secret>\"");
        }
        return new Token(v.substring(0, colon), v.substring(colon + 1));
    }

    static String secret(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        return v;
    }

    /** Either parameter is named: then this bean replaces {@link FromConfiguration}. */
    public static final class Named implements Condition {
        @Override
        public boolean matches(ConditionContext context) {
            return named(context, "stowage.streaming.mux.token-parameter")
                    || named(context, "stowage.streaming.mux.webhook-signing-parameter");
        }

        private static boolean named(ConditionContext<?> context, String property) {
            return context.getProperty(property, String.class).filter(v -> !v.isBlank()).isPresent();
        }
    }
}
