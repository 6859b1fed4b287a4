package dev.gauntlet.farm.chaos;

import dev.gauntlet.farm.spec.Check;

/**
 * One setting of the chaos dial.
 *
 * @param errorRate        share of requests that get an HTTP-level fault from the service's error profile
 * @param rateLimitFactor  multiplier on every service's request limit (0.5 = limits halved)
 * @param network          label of the network column (none, minimal, moderate, severe)
 * @param networkRate      share of requests that get a socket-level fault (reset, close, truncate, hang)
 * @param latencyMs        lognormal latency added to every response
 */
public record ChaosLevel(
        String name, Double errorRate, Double rateLimitFactor, String network, Double networkRate, Latency latencyMs) {

    public ChaosLevel {
        Check.text("name", name);
        errorRate = Check.share(name + ".error_rate", errorRate == null ? 0 : errorRate);
        rateLimitFactor = Check.positive(name + ".rate_limit_factor", rateLimitFactor == null ? 1 : rateLimitFactor);
        network = network == null ? "none" : network;
        networkRate = Check.share(name + ".network_rate", networkRate == null ? 0 : networkRate);
        if (errorRate + networkRate > 1) {
            throw new IllegalArgumentException(
                    name + ": error_rate + network_rate must be ≤ 1, was " + (errorRate + networkRate));
        }
        latencyMs = latencyMs == null ? Latency.NONE : latencyMs;
    }

    public ChaosLevel withName(String newName) {
        return new ChaosLevel(newName, errorRate, rateLimitFactor, network, networkRate, latencyMs);
    }

    /** True when this level can never change a response (the fast path skips the planner). */
    public boolean isQuiet() {
        return errorRate == 0 && networkRate == 0 && latencyMs.median() == 0;
    }

    /**
     * Lognormal latency: half the responses are slower than {@code median}; {@code sigma} widens the tail
     * (p99 = median · e^(2.33·sigma)). {@code max} caps one sample.
     */
    public record Latency(Double median, Double sigma, Double max) {
        public static final Latency NONE = new Latency(0.0, 0.0, 0.0);

        public Latency {
            median = median == null ? 0 : median;
            sigma = sigma == null ? 0 : sigma;
            max = max == null ? 10_000 : max;
            if (median < 0 || sigma < 0 || max < 0) {
                throw new IllegalArgumentException(
                        "latency_ms median, sigma and max must be ≥ 0, were " + median + ", " + sigma + ", " + max);
            }
        }
    }
}
