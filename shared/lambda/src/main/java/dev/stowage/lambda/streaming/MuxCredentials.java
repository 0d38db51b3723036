package dev.stowage.lambda.streaming;

import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Where the Mux access token and webhook secret come from. The seam for AWS: there they live in SSM
 * SecureStrings (the template's Mux*ParameterName parameters), and a reader of those replaces
 * {@link FromConfiguration} (a {@code @Primary} bean built on the shared SSM parameter reader, not yet on this
 * branch). Until then they are configuration properties, which is what the local stack and tests set.
 */
public interface MuxCredentials {

    /** The access token (HTTP basic auth), if one is configured. */
    Optional<Token> token();

    /** The webhook signing secret, if one is configured. */
    Optional<String> webhookSecret();

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
        public Optional<Token> token() {
            return present(settings.tokenId()).isPresent() && present(settings.tokenSecret()).isPresent()
                    ? Optional.of(new Token(settings.tokenId(), settings.tokenSecret())) : Optional.empty();
        }

        @Override
        public Optional<String> webhookSecret() {
            return present(settings.webhookSecret());
        }

        private static Optional<String> present(String value) {
            return Optional.ofNullable(value).filter(v -> !v.isBlank());
        }
    }
}
