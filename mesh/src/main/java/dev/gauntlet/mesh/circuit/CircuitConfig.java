package dev.gauntlet.mesh.circuit;

import dev.gauntlet.mesh.call.Checks;
import java.time.Duration;

/**
 * The connector's breaker (Resilience4j): opens when the failure rate over the last {@code windowCalls} calls (at
 * least {@code minimumCalls}) reaches {@code failureRatePercent}; stays open {@code openFor}, then lets
 * {@code halfOpenCalls} probes through.
 */
public record CircuitConfig(
        float failureRatePercent, int windowCalls, int minimumCalls, Duration openFor, int halfOpenCalls) {
    public CircuitConfig {
        Checks.between("circuit.failure_rate_percent", 1, 100, failureRatePercent);
        Checks.atLeast("circuit.window_calls", 1, windowCalls);
        Checks.atLeast("circuit.minimum_calls", 1, minimumCalls);
        Checks.positive("circuit.open_for", openFor);
        Checks.atLeast("circuit.half_open_calls", 1, halfOpenCalls);
    }

    /** The defaults (opens at 80 % of the last 50 calls, at least 20; open 5 s; 5 probes): {@link Builder}'s. */
    public static final CircuitConfig DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder()
                .failureRatePercent(failureRatePercent)
                .windowCalls(windowCalls)
                .minimumCalls(minimumCalls)
                .openFor(openFor)
                .halfOpenCalls(halfOpenCalls);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        /** Opens at 80 %: an upstream failing half its calls is degraded, not down - retries still get most work through,
         *  and opening on it would turn a degraded upstream into an outage (hell fails about half of all attempts). */
        private float failureRatePercent = 80;

        private int windowCalls = 50;
        private int minimumCalls = 20;
        private Duration openFor = Duration.ofSeconds(5);
        private int halfOpenCalls = 5;

        private Builder() {}

        public Builder failureRatePercent(float v) {
            this.failureRatePercent = v;
            return this;
        }

        public Builder windowCalls(int v) {
            this.windowCalls = v;
            return this;
        }

        public Builder minimumCalls(int v) {
            this.minimumCalls = v;
            return this;
        }

        public Builder openFor(Duration v) {
            this.openFor = v;
            return this;
        }

        public Builder halfOpenCalls(int v) {
            this.halfOpenCalls = v;
            return this;
        }

        public CircuitConfig build() {
            return new CircuitConfig(failureRatePercent, windowCalls, minimumCalls, openFor, halfOpenCalls);
        }
    }
}
