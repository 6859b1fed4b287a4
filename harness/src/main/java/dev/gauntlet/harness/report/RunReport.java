package dev.gauntlet.harness.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, in the shape of {@code report.json} (DESIGN.md section 6 keeps these keys stable:
 * scenario, seed, duration_s, thresholds, totals, latency_ms, connectors, resources, baseline, baselines).
 *
 * @param halted    why a halt condition ended the run early, or null when it ran its course
 * @param target    what the load went through: "mesh", "aam", or a baseline's name ("naive", "naive-retry", …)
 * @param series    one point per second, for the charts
 * @param resources what the run cost the machine: CPU seconds and peak RSS per process, CPU per operation
 * @param baselines the same workload through each baseline client ({@code --compare naive,naive-retry}), by name in the
 *                  order they ran; empty without {@code --compare} (and then left out of the JSON)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
        String scenario,
        long seed,
        double durationS,
        String startedAt,
        boolean passed,
        String halted,
        String target,
        List<ThresholdResult> thresholds,
        Totals totals,
        Latency latencyMs,
        Map<String, ConnectorFigures> connectors,
        List<SeriesPoint> series,
        Resources resources,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, RunReport> baselines) {

    public RunReport {
        baselines = baselines == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
    }

    /** The run's totals; lost and duplicates come from the checker (farm ledger + DLQ), not the mesh's counters. */
    public record Totals(
            long logicalOps,
            long succeeded,
            long failed,
            long dlqPending,
            long lost,
            long duplicates,
            long retries,
            double successRate,
            double retrySuccessRate,
            double reqPerS) {}

    /** Latency of logical calls from their intended start (no coordinated omission), milliseconds. */
    public record Latency(double p50, double p95, double p99, double max) {
        public static final Latency NONE = new Latency(0, 0, 0, 0);
    }

    /** One connector's figures. */
    public record ConnectorFigures(
            long logicalOps,
            long succeeded,
            long failed,
            long retries,
            double successRate,
            double retrySuccessRate,
            double reqPerS,
            Latency latencyMs,
            long dlqPending,
            long lost,
            long duplicates,
            Map<String, Long> failures,
            long correctValues,
            long incorrectValues) {}

    /** One second of the run. */
    public record SeriesPoint(
            double t,
            double reqPerS,
            double successRate,
            double p99Ms,
            long dlqDepth,
            long openCircuits,
            String phase) {}

    /**
     * The first baseline, or null: {@code baseline} in report.json, as it was before several baselines could run
     * (DESIGN.md section 6 keeps it).
     */
    @JsonProperty("baseline")
    public RunReport baseline() {
        return baselines.isEmpty() ? null : baselines.values().iterator().next();
    }

    /** The same report with one more baseline's run beside it, under the name of what it went through. */
    public RunReport withBaseline(RunReport run) {
        if (baselines.containsKey(run.target()))
            throw new IllegalArgumentException("baseline '" + run.target() + "' is in the report already");
        var all = new LinkedHashMap<>(baselines);
        all.put(run.target(), run);
        return new RunReport(
                scenario,
                seed,
                durationS,
                startedAt,
                passed,
                halted,
                target,
                thresholds,
                totals,
                latencyMs,
                connectors,
                series,
                resources,
                all);
    }

    public long failedThresholds() {
        return thresholds.stream().filter(t -> !t.pass()).count();
    }
}
