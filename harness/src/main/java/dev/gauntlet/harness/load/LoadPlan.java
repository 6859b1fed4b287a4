package dev.gauntlet.harness.load;

import java.time.Duration;
import java.util.Objects;

/**
 * An open-model load: operations start at {@code ratePerSecond} whether or not earlier ones finished, for
 * {@code duration}, at most {@code maxOps} of them; when {@code maxInFlight} are still running, new arrivals are
 * dropped and counted (k6's dropped iterations) rather than queued, so the load stays bounded.
 */
public record LoadPlan(double ratePerSecond, Duration duration, long maxOps, int maxInFlight) {
    public LoadPlan {
        if (!(ratePerSecond > 0) || ratePerSecond > 100_000) {
            throw new IllegalArgumentException("rate must be > 0 and ≤ 100000 per second, was " + ratePerSecond);
        }
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("duration must be > 0 and ≤ 24 h, was " + duration);
        }
        if (maxOps < 1) throw new IllegalArgumentException("max_ops must be ≥ 1, was " + maxOps);
        if (maxInFlight < 1) throw new IllegalArgumentException("max_in_flight must be ≥ 1, was " + maxInFlight);
    }

    /** rate × duration operations, at most 10,000 in flight. */
    public static LoadPlan of(double ratePerSecond, Duration duration) {
        return new LoadPlan(
                ratePerSecond,
                duration,
                Math.max(1, (long) Math.ceil(ratePerSecond * duration.toNanos() / 1e9)),
                10_000);
    }
}
