package dev.stowage.localstack.front;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the front must not forward a request's {@code Content-Type}: S3 stores any body whatever its type,
 * but s3proxy's Jetty parses a {@code PUT} sent as {@code application/x-www-form-urlencoded} (curl's
 * default for {@code --data-binary}) as a form and refuses bodies over its form limit. Dropping the
 * header is invisible to the signature only when the request was signed with SigV4 and the header is
 * not among its signed headers (SigV2 always signs the type), so only then is it dropped. A request that
 * signs a form type cannot pass s3proxy at all (Stowage never signs one: no profile admits it).
 */
final class UnsignedFormType {
    private static final Pattern SIGNED_HEADERS = Pattern.compile("SignedHeaders=([^,\\s]+)");

    private UnsignedFormType() {}

    static boolean applies(ClientExchange exchange) {
        boolean form = exchange.headers().firstValue("Content-Type")
                .map(v -> v.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
                .orElse(false);
        return form && signedHeaders(exchange).map(h -> !h.contains("content-type")).orElse(false);
    }

    /** The SigV4 signed header names, or empty when the request is not SigV4-signed (SigV2 or anonymous). */
    private static Optional<List<String>> signedHeaders(ClientExchange exchange) {
        Optional<String> authorization = exchange.headers().firstValue("Authorization");
        if (authorization.isPresent()) {
            if (!authorization.get().startsWith("AWS4-")) {
                return Optional.empty();
            }
            Matcher m = SIGNED_HEADERS.matcher(authorization.get());
            return m.find() ? Optional.of(split(m.group(1))) : Optional.empty();
        }
        String query = exchange.uri().getRawQuery();
        if (query == null) {
            return Optional.of(List.of()); // anonymous: no signature to break
        }
        return Arrays.stream(query.split("&"))
                .filter(p -> p.regionMatches(true, 0, "X-Amz-SignedHeaders=", 0, 20))
                .findFirst()
                .map(p -> split(URLDecoder.decode(p.substring(20), StandardCharsets.UTF_8)))
                .or(() -> query.contains("Signature=") ? Optional.empty() : Optional.of(List.of()));
    }

    private static List<String> split(String names) {
        return Arrays.stream(names.split(";")).map(n -> n.trim().toLowerCase(Locale.ROOT)).toList();
    }
}
