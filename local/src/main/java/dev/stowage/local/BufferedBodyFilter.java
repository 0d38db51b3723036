package dev.stowage.local;

import dev.stowage.lambda.http.RawBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Netty streams a body no {@code @Body} parameter asks for, so routes whose body is optional (and
 * bound by hand, see {@link RawBody}) get it buffered here first, as API Gateway delivers it whole; a
 * webhook's signature is over these exact bytes.
 */
@ServerFilter({"/v1/uploads/*/complete", "/v1/assets/*/variants/requeue", "/v1/streaming/webhooks/*"})
public class BufferedBodyFilter {

    @RequestFilter
    public void buffer(HttpRequest<?> request, @Nullable @Body byte[] body) {
        request.setAttribute(RawBody.ATTRIBUTE, body == null ? new byte[0] : body);
    }
}
