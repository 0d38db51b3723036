package dev.stowage.local;

import dev.stowage.lambda.http.ApiContract;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.util.Optional;

/**
 * Serves the API's OpenAPI document (docs/api.md) at {@code /openapi.yml}; the Swagger UI at {@code /docs}
 * is a static resource that reads it. The annotations here are the document's header.
 */
@Hidden
@Controller
@OpenAPIDefinition(info = @Info(title = "Stowage", version = "v1",
        description = "Clients upload straight to S3 with presigned URLs; S3's events verify each upload and "
                + "promote it to an asset. Answers leave out null and empty values. Errors are "
                + "`application/problem+json` with a stable `code`."))
@SecurityScheme(name = ApiContract.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "On AWS the JWT authorizer checks it; locally, use the token `./stowage local` prints.")
class ApiDocsController {
    static final String YAML = "application/yaml";

    private final Optional<String> document = OpenApiDocument.load(ApiDocsController.class.getClassLoader());

    @Get(value = "/openapi.yml", produces = YAML)
    HttpResponse<String> document() {
        return document.map(HttpResponse::ok).orElseGet(HttpResponse::notFound);
    }
}
