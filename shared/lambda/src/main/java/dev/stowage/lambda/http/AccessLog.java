package dev.stowage.lambda.http;

import dev.stowage.domain.Principal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.UriRouteMatch;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One structured line per API request: request id, function, a digest of the caller (never the caller
 * itself), the session or asset the route names, the outcome (a problem's stable code, else {@code ok}),
 * the status and the duration. The encoder decides the format: JSON on Lambda, text on a terminal.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class AccessLog {
    static final String CALLER = "stowage.caller";
    private static final String STARTED = "stowage.started";
    private static final Logger LOG = LoggerFactory.getLogger("stowage.access");
    private static final String FUNCTION = Optional.ofNullable(System.getenv("AWS_LAMBDA_FUNCTION_NAME")).orElse("local");

    private final RequestId requestIds;

    public AccessLog(RequestId requestIds) {
        this.requestIds = requestIds;
    }

    @RequestFilter
    public void started(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void finished(HttpRequest<?> request, MutableHttpResponse<?> response) {
        long started = request.getAttribute(STARTED, Long.class).orElseGet(System::nanoTime);
        LoggingEventBuilder line = LOG.atInfo()
                .addKeyValue("requestId", requestIds.of(request))
                .addKeyValue("function", FUNCTION)
                .addKeyValue("principal", request.getAttribute(CALLER, Principal.class).map(Principal::digest).orElse("-"))
                .addKeyValue("route", request.getMethodName() + " " + routeOf(request));
        pathId(request).ifPresent(id -> line.addKeyValue(resourceOf(request), id));
        line.addKeyValue("status", response.code())
                .addKeyValue("outcome", outcome(response.getBody().orElse(null)))
                .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000)
                .log("request");
    }

    /** The route template ({@code /v1/uploads/{id}}), so lines group by operation, or the path if none matched. */
    private static String routeOf(HttpRequest<?> request) {
        return request.getAttribute(HttpAttributes.ROUTE_MATCH, UriRouteMatch.class)
                .map(match -> match.getRouteInfo().getUriMatchTemplate().toString())
                .orElse(request.getPath());
    }

    private static Optional<String> pathId(HttpRequest<?> request) {
        return request.getAttribute(HttpAttributes.ROUTE_MATCH, UriRouteMatch.class)
                .map(match -> (Object) match.getVariableValues().get("id"))
                .map(Object::toString);
    }

    private static String resourceOf(HttpRequest<?> request) {
        return request.getPath().startsWith("/v1/uploads/") ? "sessionId"
                : request.getPath().startsWith("/v1/assets/") ? "assetId" : "id";
    }

    private static String outcome(@Nullable Object body) {
        return body instanceof Problem problem ? problem.code() : "ok";
    }
}
