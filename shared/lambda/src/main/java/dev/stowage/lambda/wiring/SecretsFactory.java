package dev.stowage.lambda.wiring;

import dev.stowage.lambda.secrets.SsmParameterStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The one SSM parameter reader of a context, shared by every secret read from SSM (the export signing keys,
 * the Mux credentials). Its users take it through a {@code Provider}, so a function that names no parameter
 * never builds it, and it builds its HTTP client only on its first read.
 */
@Factory
public class SecretsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    SsmParameterStore ssmParameterStore(JsonMapper json,
                                        @Value("${aws.region:}") String region,
                                        @Value("${aws.services.ssm.endpoint-override:}") String ssmEndpoint,
                                        @Value("${aws.accessKeyId:}") String accessKeyId,
                                        @Value("${aws.secretKey:}") String secretKey) {
        return new SsmParameterStore(json, region,
                ssmEndpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(ssmEndpoint)),
                accessKeyId.isBlank() || secretKey.isBlank() ? Optional.empty()
                        : Optional.of(AwsBasicCredentials.create(accessKeyId, secretKey)));
    }
}
