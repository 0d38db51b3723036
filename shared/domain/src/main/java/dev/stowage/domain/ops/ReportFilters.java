package dev.stowage.domain.ops;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator report's filters, parsed from the query: {@code profile} (1..100 characters), {@code olderThan}
 * (ISO-8601 {@code PT15M} or {@code 15m}/{@code 2h}/{@code 3d}/{@code 30s}; from 1 s to 365 d), {@code limit}
 * (examples per finding, 1..100) and {@code format} ({@code json} or {@code text}).
 */
public record ReportFilters(Optional<String> profile, Duration olderThan, int limit, Format format) {
    public static final Duration DEFAULT_OLDER_THAN = Duration.ofMinutes(15);
    public static final Duration MAX_OLDER_THAN = Duration.ofDays(365);
    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_PROFILE_LENGTH = 100;
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})([smhd])");

    /** How the report is written. */
    public enum Format {
        JSON, TEXT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ReportFilters defaults() {
        return new ReportFilters(Optional.empty(), DEFAULT_OLDER_THAN, DEFAULT_LIMIT, Format.JSON);
    }

    /** The filters, or {@code invalid_field}, {@code invalid_duration} or {@code unknown_format} naming the bad one. */
    public static Result<ReportFilters> parse(String profile, String olderThan, String limit, String format) {
        if (profile != null && (profile.isBlank() || profile.length() > MAX_PROFILE_LENGTH
                || profile.codePoints().anyMatch(Character::isISOControl))) {
            return Result.err(ErrorCode.INVALID_FIELD,
                    "profile must be 1 to " + MAX_PROFILE_LENGTH + " printable characters");
        }
        Duration age = DEFAULT_OLDER_THAN;
        if (olderThan != null) {
            Optional<Duration> parsed = parseDuration(olderThan);
            if (parsed.isEmpty()) {
                return Result.err(ErrorCode.INVALID_DURATION, "olderThan must be an ISO-8601 duration (PT15M) or"
                        + " a number with s, m, h or d (15m), from 1s to 365d");
            }
            age = parsed.get();
        }
        int n = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                return Result.err(ErrorCode.INVALID_FIELD, "limit must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        Format f = Format.JSON;
        if (format != null) {
            switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "json" -> f = Format.JSON;
                case "text" -> f = Format.TEXT;
                default -> {
                    return Result.err(ErrorCode.UNKNOWN_FORMAT, "format must be json or text");
                }
            }
        }
        return Result.ok(new ReportFilters(Optional.ofNullable(profile), age, n, f));
    }

    /** {@code PT15M}, {@code P3D} or {@code 15m}, {@code 2h}, {@code 3d}, {@code 30s}; positive, at most 365 days. */
    public static Optional<Duration> parseDuration(String text) {
        String s = text.strip();
        Duration d;
        Matcher simple = SIMPLE.matcher(s.toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long n = Long.parseLong(simple.group(1));
            d = switch (simple.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else if (s.length() <= 40 && (s.startsWith("P") || s.startsWith("p"))) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException | ArithmeticException e) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_OLDER_THAN) > 0) {
            return Optional.empty();
        }
        return Optional.of(d);
    }
}
