package dev.stowage.lambda.config;

import dev.stowage.domain.profile.ContentTypes;
import dev.stowage.domain.profile.Delivery;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.StalePolicy;
import dev.stowage.domain.profile.Streaming;
import io.micronaut.core.convert.ConversionService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import java.util.Set;
import dev.stowage.domain.profile.VariantSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns configured profile settings into domain profiles, failing fast with the setting's name. */
public final class ProfileParser {
    private static final Pattern VARIANT =
            Pattern.compile("(\\d{1,5})x(\\d{1,5})(?:\\s+(contain|cover|fill))?(?:\\s+(jpeg|png|webp|gif))?(?:\\s+q(\\d{1,3}))?");

    /** S3 refuses a presigned URL that lives longer. */
    private static final java.time.Duration S3_PRESIGN_LIMIT = java.time.Duration.ofDays(7);

    /** Streaming providers with an adapter. */
    static final Set<String> SUPPORTED_PROVIDERS = Set.of("mux");
    private static final ConversionService DURATIONS = ConversionService.SHARED;

    private ProfileParser() {}

    public static Profile parse(ProfileSettings s) {
        String at = "stowage.profiles." + s.name();
        if (s.allowedContentTypes() == null || s.allowedContentTypes().isEmpty()) {
            throw Invalid.setting(at + ".allowed-content-types", "must list at least one media type");
        }
        for (String type : s.allowedContentTypes()) {
            if (!ContentTypes.isWellFormed(type)) {
                throw Invalid.setting(at + ".allowed-content-types", "'" + type + "' is not a media type");
            }
        }
        if (s.maxBytes() <= 0) {
            throw Invalid.setting(at + ".max-bytes", "must be positive");
        }
        List<VariantSpec> variants = new ArrayList<>();
        for (Map.Entry<String, String> v : (s.variants() == null ? Map.<String, String>of() : s.variants()).entrySet()) {
            variants.add(variant(at + ".variants." + v.getKey(), v.getKey(), v.getValue()));
        }
        Delivery.Mode mode = enumValue(Delivery.Mode.class, s.delivery(), at + ".delivery");
        StalePolicy stale = enumValue(StalePolicy.class, s.stalePolicy(), at + ".stale-policy");
        if (s.deliveryTtl().isNegative() || s.deliveryTtl().isZero()) {
            throw Invalid.setting(at + ".delivery-ttl", "must be positive");
        }
        if (s.sessionTtl().isNegative() || s.sessionTtl().isZero()) {
            throw Invalid.setting(at + ".session-ttl", "must be positive");
        }
        if (s.signTtl().isNegative() || s.signTtl().isZero() || s.signTtl().compareTo(S3_PRESIGN_LIMIT) > 0) {
            throw Invalid.setting(at + ".sign-ttl", "must be positive and at most 7 days (S3's presign limit)");
        }
        return new Profile(s.name(), java.util.Set.copyOf(s.allowedContentTypes()), s.maxBytes(), variants,
                new Delivery(mode, s.deliveryTtl()), stale, s.sessionTtl(), s.signTtl(),
                s.streaming() == null || s.streaming().isEmpty() ? Optional.empty()
                        : Optional.of(streaming(at + ".streaming", s.streaming())));
    }

    /** Keys as written in YAML or as environment variables bind them: {@code playback-policy}, {@code playbackpolicy}. */
    static Streaming streaming(String at, Map<String, String> settings) {
        Map<String, String> byKey = new HashMap<>();
        settings.forEach((k, v) -> byKey.put(k.toLowerCase(Locale.ROOT).replace("-", "").replace("_", ""), v));
        Set<String> known = Set.of("provider", "playbackpolicy", "corsorigin", "timeout");
        for (String key : byKey.keySet()) {
            if (!known.contains(key)) {
                throw Invalid.setting(at, "unknown setting '" + key + "' (provider, playback-policy, cors-origin, timeout)");
            }
        }
        String provider = byKey.getOrDefault("provider", "");
        if (!SUPPORTED_PROVIDERS.contains(provider)) {
            throw Invalid.setting(at + ".provider", "must be one of " + SUPPORTED_PROVIDERS + ", was '" + provider + "'");
        }
        Streaming.PlaybackPolicy policy = enumValue(Streaming.PlaybackPolicy.class,
                byKey.getOrDefault("playbackpolicy", "public"), at + ".playback-policy");
        Optional<String> origin = Optional.ofNullable(byKey.get("corsorigin")).map(String::trim).filter(o -> !o.isEmpty());
        if (origin.isPresent() && !origin.get().equals("*") && !origin.get().matches("https?://[^\\s/]+")) {
            throw Invalid.setting(at + ".cors-origin", "must be '*' or an origin such as https://app.example.com, was '"
                    + origin.get() + "'");
        }
        Duration timeout;
        try {
            timeout = DURATIONS.convert(byKey.getOrDefault("timeout", "1h"), Duration.class).orElseThrow();
        } catch (RuntimeException e) {
            throw Invalid.setting(at + ".timeout", "is not a duration such as 1h: '" + byKey.get("timeout") + "'");
        }
        if (timeout.compareTo(Streaming.MIN_TIMEOUT) < 0 || timeout.compareTo(Streaming.MAX_TIMEOUT) > 0) {
            throw Invalid.setting(at + ".timeout", "must be 1m..7d (the provider's limits), was " + timeout);
        }
        return new Streaming(provider, policy, origin, timeout);
    }

    static VariantSpec variant(String setting, String name, String spec) {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw Invalid.setting(setting, "variant names are lower-case letters, digits, '-' and '_'");
        }
        Matcher m = VARIANT.matcher(spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw Invalid.setting(setting, "expected \"<width>x<height> [contain|cover|fill] [jpeg|png|webp|gif] [q<1-100>]\", was \""
                    + spec + "\"");
        }
        int width = Integer.parseInt(m.group(1));
        int height = Integer.parseInt(m.group(2));
        int quality = m.group(5) == null ? 82 : Integer.parseInt(m.group(5));
        if (width == 0 || height == 0 || quality < 1 || quality > 100) {
            throw Invalid.setting(setting, "width and height must be positive and quality within 1..100");
        }
        VariantSpec.Fit fit = m.group(3) == null ? VariantSpec.Fit.CONTAIN
                : VariantSpec.Fit.valueOf(m.group(3).toUpperCase(Locale.ROOT));
        return new VariantSpec(name, width, height, fit, m.group(4) == null ? "jpeg" : m.group(4), quality);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String setting) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw Invalid.setting(setting, "unknown value '" + value + "'");
        }
    }
}
