package dev.gauntlet.mesh.circuit;

import dev.gauntlet.mesh.call.Checks;
import java.time.Duration;

/**
 * The connector's breaker (Resilience4j): opens when the failure rate over the last {@code windowCalls} calls (at
 * least {@code minimumCalls}) reaches {@code failureRatePercent}; stays open {@code openFor}, then lets
 * {@code halfOpenCalls} probes through.
 */
public record CircuitConfig(float failureRatePercent, int windowCalls, int minimumCalls, Duration openFor, int halfOpenCalls) {
    /** Opens at 80 %: an upstream failing half its calls is degraded, not down - retries still get most work through,
     *  and opening on it would turn a degraded upstream into an outage (hell fails about half of all attempts). */
    public static final CircuitConfig DEFAULT = new CircuitConfig(80, 50, 20, Duration.ofSeconds(5), 5);

    public CircuitConfig {
        Checks.between("circuit.failure_rate_percent", 1, 100, failureRatePercent);
        Checks.atLeast("circuit.window_calls", 1, windowCalls);
        Checks.atLeast("circuit.minimum_calls", 1, minimumCalls);
        Checks.positive("circuit.open_for", openFor);
        Checks.atLeast("circuit.half_open_calls", 1, halfOpenCalls);
    }
}
