package dev.gauntlet.mesh.limit;

import dev.gauntlet.mesh.call.Checks;

/**
 * The adaptive token bucket of a connector (one per tenant): starts at {@code initialRps}, never leaves
 * [{@code minRps}, {@code maxRps}], holds at most {@code burst} tokens; a bulkhead: at most {@code maxInFlight}
 * attempts of the connector on the wire at once (the rest wait their turn, within their deadline); and at most
 * {@code maxTenants} distinct tenants (each has its own bucket, breaker and token; the configured ones always count).
 */
public record LimitConfig(double initialRps, double minRps, double maxRps, int burst, int maxInFlight, int maxTenants) {
    /** Enough for thousands of calls a second at loopback latencies; a slow upstream fills it instead of the JVM. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    /**
     * Each tenant costs a bucket, a breaker and its lines in every metrics snapshot: 5,000 distinct tenant headers grew
     * one SSE snapshot from 15 KB to 2.9 MB. 100 is far above any tenant list we ship and keeps a snapshot small.
     */
    public static final int DEFAULT_MAX_TENANTS = 100;

    public LimitConfig {
        Checks.positive("limit.initial_rps", initialRps);
        Checks.positive("limit.min_rps", minRps);
        Checks.positive("limit.max_rps", maxRps);
        if (minRps > maxRps)
            throw new IllegalArgumentException("limit.min_rps must be ≤ max_rps, was " + minRps + " > " + maxRps);
        if (initialRps < minRps || initialRps > maxRps) {
            throw new IllegalArgumentException(
                    "limit.initial_rps must be between min_rps and max_rps, was " + initialRps);
        }
        Checks.atLeast("limit.burst", 1, burst);
        Checks.atLeast("limit.max_in_flight", 1, maxInFlight);
        Checks.atLeast("limit.max_tenants", 1, maxTenants);
    }

    /** The defaults (50 rps between 1 and 1,000, a burst of 50, 64 in flight, 100 tenants): {@link Builder}'s. */
    public static final LimitConfig DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder()
                .initialRps(initialRps)
                .minRps(minRps)
                .maxRps(maxRps)
                .burst(burst)
                .maxInFlight(maxInFlight)
                .maxTenants(maxTenants);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        private double initialRps = 50;
        private double minRps = 1;
        private double maxRps = 1000;
        private int burst = 50;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxTenants = DEFAULT_MAX_TENANTS;

        private Builder() {}

        public Builder initialRps(double v) {
            this.initialRps = v;
            return this;
        }

        public Builder minRps(double v) {
            this.minRps = v;
            return this;
        }

        public Builder maxRps(double v) {
            this.maxRps = v;
            return this;
        }

        public Builder burst(int v) {
            this.burst = v;
            return this;
        }

        public Builder maxInFlight(int v) {
            this.maxInFlight = v;
            return this;
        }

        public Builder maxTenants(int v) {
            this.maxTenants = v;
            return this;
        }

        public LimitConfig build() {
            return new LimitConfig(initialRps, minRps, maxRps, burst, maxInFlight, maxTenants);
        }
    }
}
