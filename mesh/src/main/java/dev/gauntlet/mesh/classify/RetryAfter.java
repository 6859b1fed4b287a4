package dev.gauntlet.mesh.classify;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the waits upstreams ask for: RFC 9110 {@code Retry-After} (delay-seconds or an HTTP-date), reset times as
 * epoch seconds (GitHub), and seconds until a reset (Datadog). Never throws, never negative; garbage is empty.
 */
public final class RetryAfter {
    private RetryAfter() {}

    /**
     * Waits are capped at a day: any deadline gives up long before, and the cap keeps instant arithmetic from
     * overflowing on absurd values.
     */
    public static final Duration MAX = Duration.ofDays(1);

    // Lenient about a fraction ("1.5"): RFC 9110 says whole seconds, some upstreams send fractions.
    private static final Pattern SECONDS = Pattern.compile("\\d{1,15}(\\.\\d{1,9})?");

    /** A Retry-After value: delay-seconds, or an IMF-fixdate HTTP-date (a date in the past is zero). */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null) return Optional.empty();
        String v = value.trim();
        if (v.isEmpty()) return Optional.empty();
        if (Character.isDigit(v.charAt(0))) return seconds(v);
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(between(now, at));
        } catch (DateTimeException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** A number of seconds to wait (Datadog's X-RateLimit-Reset, Retry-After's delay-seconds). */
    public static Optional<Duration> seconds(String value) {
        long millis = millis(value);
        if (millis < 0) return Optional.empty();
        return Optional.of(millis >= MAX.toMillis() ? MAX : Duration.ofMillis(millis));
    }

    /** The wait until an epoch second (GitHub's x-ratelimit-reset); a reset already past is zero. */
    public static Optional<Duration> untilEpochSecond(String value, Instant now) {
        long millis = millis(value);
        if (millis < 0) return Optional.empty();
        return Optional.of(between(now, Instant.ofEpochMilli(millis)));
    }

    /** Non-negative seconds as milliseconds, rounded up (waking up early would meet the same refusal); -1 for garbage. */
    private static long millis(String value) {
        if (value == null) return -1;
        String v = value.trim();
        if (!SECONDS.matcher(v).matches()) return -1;
        // At most 15 integer digits, so the milliseconds fit in a long.
        return new BigDecimal(v)
                .movePointRight(3)
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    private static Duration between(Instant now, Instant at) {
        if (!at.isAfter(now)) return Duration.ZERO;
        Duration d = Duration.between(now, at);
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
