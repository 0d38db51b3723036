package dev.stowage.domain.profile;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a kind of upload may be and what becomes of it: allowed (sniffed) content types, the size
 * ceiling, variants to render, how it is delivered, and how long sessions and signed URLs live.
 */
public record Profile(
        String name,
        Set<String> allowedContentTypes,
        long maxBytes,
        List<VariantSpec> variants,
        Delivery delivery,
        StalePolicy stalePolicy,
        Duration sessionTtl,
        Duration signTtl,
        Optional<Streaming> streaming) {

    /** A profile whose uploads go to the bucket only. */
    public Profile(String name, Set<String> allowedContentTypes, long maxBytes, List<VariantSpec> variants,
                   Delivery delivery, StalePolicy stalePolicy, Duration sessionTtl, Duration signTtl) {
        this(name, allowedContentTypes, maxBytes, variants, delivery, stalePolicy, sessionTtl, signTtl,
                Optional.empty());
    }

    public Profile {
        Objects.requireNonNull(name, "name");
        allowedContentTypes = Set.copyOf(allowedContentTypes);
        variants = List.copyOf(variants);
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(stalePolicy, "stalePolicy");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
        Objects.requireNonNull(signTtl, "signTtl");
        Objects.requireNonNull(streaming, "streaming");
    }

    /** Whether a content type (without parameters) is allowed; {@code video/*} style entries match a family. */
    public boolean allows(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = ContentTypes.essence(contentType);
        for (String allowed : allowedContentTypes) {
            String a = allowed.toLowerCase(Locale.ROOT);
            if (a.equals(type) || (a.endsWith("/*") && type.startsWith(a.substring(0, a.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
