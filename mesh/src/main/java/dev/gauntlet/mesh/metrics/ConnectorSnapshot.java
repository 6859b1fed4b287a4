package dev.gauntlet.mesh.metrics;

import dev.gauntlet.mesh.call.ErrorClass;
import java.util.Map;

/**
 * One connector's figures since the mesh started (or every connector's, summed, for the overall view).
 *
 * @param calls                 logical calls (what a workflow asked for)
 * @param failures              logical calls that failed, by their final class
 * @param attempts              tries at the upstream (actual)
 * @param attemptFailures       failed attempts by class
 * @param retries               attempts beyond the first of each call
 * @param rateLimited           attempts answered with HTTP 429
 * @param stale                 calls answered from the last good response while the circuit was open
 * @param effectiveSuccessRate  successful calls / calls (what the workflow sees, after retries)
 * @param actualSuccessRate     successful attempts / attempts (what the upstream did)
 * @param events                published events by type ("token_refreshed", "circuit_transition", "drift_detected", …)
 * @param stages                each stage's live status (bucket level and rate, circuit state, …), by stage name
 */
public record ConnectorSnapshot(
        String connector,
        long calls,
        long succeeded,
        long failed,
        Map<ErrorClass, Long> failures,
        long attempts,
        long attemptsSucceeded,
        Map<ErrorClass, Long> attemptFailures,
        long retries,
        long rateLimited,
        long stale,
        double effectiveSuccessRate,
        double actualSuccessRate,
        Latency latency,
        Map<String, Long> events,
        Map<String, Map<String, Object>> stages) {
    public ConnectorSnapshot {
        failures = Map.copyOf(failures);
        attemptFailures = Map.copyOf(attemptFailures);
        events = Map.copyOf(events);
        stages = Map.copyOf(stages);
    }
}
