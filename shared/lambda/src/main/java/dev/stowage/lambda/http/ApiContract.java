package dev.stowage.lambda.http;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller of the public API, whose every route takes the caller's bearer JWT and answers any
 * error with a {@link Problem}. The generated OpenAPI says so for each route, so controllers need not.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SecurityRequirement(name = ApiContract.BEARER)
@ApiResponse(responseCode = "4XX", description = "Refused; `code` says why and `detail` what to fix",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "5XX", description = "The server or its storage failed; retrying may help",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public @interface ApiContract {
    /** The security scheme's name; the document that merges the routes defines it. */
    String BEARER = "bearer";
}
