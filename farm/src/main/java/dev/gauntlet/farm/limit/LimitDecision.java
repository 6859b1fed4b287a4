package dev.gauntlet.farm.limit;

/**
 * A rate-limit verdict as a value: allowed or not, and what the vendor headers need.
 *
 * @param limit          bucket capacity under the current chaos level
 * @param remaining      tokens left after this request
 * @param waitMillis     when refused: time until one token is back
 * @param resetEpochS    epoch second at which the bucket is full again (GitHub/Datadog style reset)
 * @param injected       refused by a chaos fault or a secondary limit rather than by the client's primary limit
 *                       (GitHub answers both as a secondary limit)
 */
public record LimitDecision(
        boolean allowed, long limit, long remaining, long waitMillis, long resetEpochS, boolean injected) {

    /** A decision of the client's bucket. */
    public LimitDecision(boolean allowed, long limit, long remaining, long waitMillis, long resetEpochS) {
        this(allowed, limit, remaining, waitMillis, resetEpochS, false);
    }

    /** Seconds to put in Retry-After: never 0 when refused, since 0 invites an immediate retry. */
    public long retryAfterSeconds() {
        return Math.max(1, (waitMillis + 999) / 1000);
    }
}
