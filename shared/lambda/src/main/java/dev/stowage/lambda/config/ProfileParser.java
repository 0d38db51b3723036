package dev.stowage.lambda.config;

import dev.stowage.domain.profile.ContentTypes;
import dev.stowage.domain.profile.Delivery;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.StalePolicy;
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
                new Delivery(mode, s.deliveryTtl()), stale, s.sessionTtl(), s.signTtl());
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
