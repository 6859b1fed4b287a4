package dev.gauntlet.harness.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, in the shape of {@code report.json} (DESIGN.md section 6 keeps these keys stable:
 * scenario, seed, duration_s, thresholds, totals, latency_ms, connectors, baseline).
 *
 * @param halted   why a halt condition ended the run early, or null when it ran its course
 * @param target   what the load went through: "mesh" or "naive"
 * @param baseline the same workload through the naive client ({@code --compare naive}), or null
 * @param series   one point per second, for the charts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(String scenario, long seed, double durationS, String startedAt, boolean passed, String halted,
                        String target, List<ThresholdResult> thresholds, Totals totals, Latency latencyMs,
                        Map<String, ConnectorFigures> connectors, List<SeriesPoint> series, RunReport baseline) {

    /** The run's totals; lost and duplicates come from the checker (farm ledger + DLQ), not the mesh's counters. */
    public record Totals(long logicalOps, long succeeded, long failed, long dlqPending, long lost, long duplicates,
                         long retries, double successRate, double retrySuccessRate, double reqPerS) {}

    /** Latency of logical calls from their intended start (no coordinated omission), milliseconds. */
    public record Latency(double p50, double p95, double p99, double max) {
        public static final Latency NONE = new Latency(0, 0, 0, 0);
    }

    /** One connector's figures. */
    public record ConnectorFigures(long logicalOps, long succeeded, long failed, long retries, double successRate,
                                   double retrySuccessRate, double reqPerS, Latency latencyMs, long dlqPending, long lost,
                                   long duplicates, Map<String, Long> failures, long correctValues, long incorrectValues) {}

    /** One second of the run. */
    public record SeriesPoint(double t, double reqPerS, double successRate, double p99Ms, long dlqDepth, long openCircuits, String phase) {}

    /** The same report with the naive client's run beside it. */
    public RunReport withBaseline(RunReport naive) {
        return new RunReport(scenario, seed, durationS, startedAt, passed, halted, target, thresholds, totals, latencyMs, connectors, series, naive);
    }

    public long failedThresholds() {
        return thresholds.stream().filter(t -> !t.pass()).count();
    }
}
