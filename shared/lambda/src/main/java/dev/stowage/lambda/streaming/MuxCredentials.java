package dev.stowage.lambda.streaming;

import dev.stowage.domain.Result;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Where the Mux access token and webhook secret come from: configuration ({@link FromConfiguration}, what the
 * local stack and tests set) or, on AWS, SSM SecureStrings ({@link ParameterMuxCredentials}, the {@code @Primary}
 * bean when the parameters are named). Each answer is one of three: the credential, empty when none is
 * configured (creates answer {@code streaming_not_configured}), or an error when one is configured but cannot
 * be read right now ({@code provider_credentials_unavailable}, a 503 to retry).
 */
public interface MuxCredentials {

    /** The access token (HTTP basic auth). */
    Result<Optional<Token>> token();

    /** The webhook signing secret. */
    Result<Optional<String>> webhookSecret();

    record Token(String id, String secret) {}

    /** {@code stowage.streaming.mux.token-id}, {@code token-secret} and {@code webhook-secret}. */
    @Singleton
    @Secondary
    final class FromConfiguration implements MuxCredentials {
        private final MuxSettings settings;

        public FromConfiguration(MuxSettings settings) {
            this.settings = settings;
        }

        @Override
        public Result<Optional<Token>> token() {
            return Result.ok(configuredToken(settings));
        }

        @Override
        public Result<Optional<String>> webhookSecret() {
            return Result.ok(present(settings.webhookSecret()));
        }

        static Optional<Token> configuredToken(MuxSettings settings) {
            return present(settings.tokenId()).isPresent() && present(settings.tokenSecret()).isPresent()
                    ? Optional.of(new Token(settings.tokenId(), settings.tokenSecret())) : Optional.empty();
        }

        static Optional<String> present(String value) {
            return Optional.ofNullable(value).filter(v -> !v.isBlank());
        }
    }
}
