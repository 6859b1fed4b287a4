package dev.gauntlet.farm.spec;

import java.util.List;

/**
 * The service's normal request limit, in the form the vendor defines it:
 * <ul>
 *   <li>{@code bucket} (the default): a token bucket refilled at {@code max_rps} holding {@code burst} (Stripe,
 *       Supabase, MongoDB Atlas, Datadog);</li>
 *   <li>{@code fixed_window}: {@code limit} requests per window of {@code window_s} that starts with the first request
 *       and resets all at once (GitHub's hourly primary limit, "x-ratelimit-reset");</li>
 *   <li>{@code rolling_window}: at most {@code limit} requests in any {@code window_s} (Salesforce's rolling 24-hour
 *       org allocation, reported in Sforce-Limit-Info).</li>
 * </ul>
 * Windows may be shorter than the vendor's (a 10 s "hour") so a test run meets resets; the chaos level's
 * rate-limit factor scales {@code max_rps}, {@code burst} and {@code limit} alike.
 *
 * @param per "client" (one limit per API key or OAuth client) or "service" (one shared by all, e.g. an org's allocation)
 */
public record RateLimitSpec(String kind, Double maxRps, Integer burst, Long limit, Long windowS, String per) {

    /** The limit kinds a service can declare. */
    public static final List<String> KINDS = List.of("bucket", "fixed_window", "rolling_window");

    public static final RateLimitSpec DEFAULT = bucket(100.0, 200, "client");

    public RateLimitSpec {
        kind = kind == null ? "bucket" : kind;
        if (!KINDS.contains(kind))
            throw new IllegalArgumentException("rate_limit.kind must be one of " + KINDS + ", was '" + kind + "'");
        per = per == null ? "client" : per;
        if (!per.equals("client") && !per.equals("service")) {
            throw new IllegalArgumentException("rate_limit.per must be 'client' or 'service', was '" + per + "'");
        }
        if (kind.equals("bucket")) {
            if (limit != null || windowS != null) {
                throw new IllegalArgumentException(
                        "rate_limit.limit and rate_limit.window_s belong to kind fixed_window or rolling_window; "
                                + "a bucket takes max_rps and burst");
            }
            maxRps = Check.positive("rate_limit.max_rps", maxRps == null ? 100.0 : maxRps);
            burst = (int)
                    Check.atLeast("rate_limit.burst", 1, burst == null ? Math.max(1, (int) Math.ceil(maxRps)) : burst);
        } else {
            if (maxRps != null || burst != null) {
                throw new IllegalArgumentException("rate_limit.max_rps and rate_limit.burst belong to kind bucket; a "
                        + kind + " takes limit and window_s");
            }
            if (limit == null) throw new IllegalArgumentException("rate_limit.limit is required for kind " + kind);
            if (windowS == null) throw new IllegalArgumentException("rate_limit.window_s is required for kind " + kind);
            limit = Check.atLeast("rate_limit.limit", 1, limit);
            windowS = Check.atLeast("rate_limit.window_s", 1, windowS);
        }
    }

    /** A token bucket: {@code maxRps} refill, {@code burst} capacity. */
    public static RateLimitSpec bucket(double maxRps, int burst, String per) {
        return new RateLimitSpec("bucket", maxRps, burst, null, null, per);
    }

    /** {@code limit} requests per window of {@code windowS} seconds, of the given kind. */
    public static RateLimitSpec window(String kind, long limit, long windowS, String per) {
        return new RateLimitSpec(kind, null, null, limit, windowS, per);
    }

    public boolean isBucket() {
        return kind.equals("bucket");
    }

    /** The most requests that can pass at once: the bucket's burst, or the window's limit. */
    public long capacity() {
        return isBucket() ? burst : limit;
    }

    /** Time for a spent limit to be whole again, in seconds: the bucket's refill of a full burst, or the window. */
    public long periodSeconds() {
        return isBucket() ? Math.max(1, (long) Math.ceil(burst / maxRps)) : windowS;
    }

    /** Average requests per second the limit lets through. */
    public double sustainedRps() {
        return isBucket() ? maxRps : (double) limit / windowS;
    }
}
