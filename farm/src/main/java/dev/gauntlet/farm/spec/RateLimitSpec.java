package dev.gauntlet.farm.spec;

/**
 * The service's normal request limit: a token bucket per client refilled at {@code maxRps} holding {@code burst}.
 *
 * @param per "client" (one bucket per API key or OAuth client) or "service" (one bucket shared by all)
 */
public record RateLimitSpec(Double maxRps, Integer burst, String per) {

    public static final RateLimitSpec DEFAULT = new RateLimitSpec(100.0, 200, "client");

    public RateLimitSpec {
        maxRps = Check.positive("rate_limit.max_rps", maxRps == null ? 100.0 : maxRps);
        burst = (int) Check.atLeast("rate_limit.burst", 1, burst == null ? Math.max(1, (int) Math.ceil(maxRps)) : burst);
        per = per == null ? "client" : per;
        if (!per.equals("client") && !per.equals("service")) {
            throw new IllegalArgumentException("rate_limit.per must be 'client' or 'service', was '" + per + "'");
        }
    }
}
