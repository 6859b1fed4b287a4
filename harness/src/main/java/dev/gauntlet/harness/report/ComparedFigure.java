package dev.gauntlet.harness.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures a run and its baselines are shown side by side on, in the order every report shows them: what was
 * lost or written twice first (what a baseline costs), then how often calls succeeded, then latency, then the rest.
 */
enum ComparedFigure {
    LOST("lost", "lost", Unit.COUNT, r -> r.totals().lost()),
    DUPLICATES("duplicates", "duplicates", Unit.COUNT, r -> r.totals().duplicates()),
    SUCCESS_RATE("success_rate", "success", Unit.PERCENT, r -> r.totals().successRate()),
    P50_MS("p50_ms", "p50 ms", Unit.DECIMAL, r -> r.latencyMs().p50()),
    P95_MS("p95_ms", "p95 ms", Unit.DECIMAL, r -> r.latencyMs().p95()),
    P99_MS("p99_ms", "p99 ms", Unit.DECIMAL, r -> r.latencyMs().p99()),
    MAX_MS("max_ms", "max ms", Unit.DECIMAL, r -> r.latencyMs().max()),
    LOGICAL_OPS("logical_ops", "logical ops", Unit.COUNT, r -> r.totals().logicalOps()),
    SUCCEEDED("succeeded", "succeeded", Unit.COUNT, r -> r.totals().succeeded()),
    FAILED("failed", "failed", Unit.COUNT, r -> r.totals().failed()),
    REQ_PER_S("req_per_s", "achieved req/s", Unit.DECIMAL, r -> r.totals().reqPerS()),
    RETRIES("retries", "retries", Unit.COUNT, r -> r.totals().retries()),
    RETRY_SUCCESS_RATE(
            "retry_success_rate", "retry success", Unit.PERCENT, r -> r.totals().retrySuccessRate()),
    DLQ_PENDING("dlq_pending", "DLQ pending", Unit.COUNT, r -> r.totals().dlqPending());

    /** The terminal summary's rows: the ones the brief comparison needs, in the same order. */
    static final List<ComparedFigure> SUMMARY =
            List.of(LOST, DUPLICATES, SUCCESS_RATE, P50_MS, P95_MS, P99_MS, RETRIES);

    private enum Unit {
        COUNT,
        PERCENT,
        DECIMAL
    }

    /** The metric's name as report.json and thresholds spell it. */
    final String key;
    /** The row's label for a person. */
    final String label;

    private final Unit unit;
    private final ToDoubleFunction<RunReport> read;

    ComparedFigure(String key, String label, Unit unit, ToDoubleFunction<RunReport> read) {
        this.key = key;
        this.label = label;
        this.unit = unit;
        this.read = read;
    }

    /** The run and then each of its baselines, by the name of what each went through: one column each. */
    static Map<String, RunReport> columns(RunReport r) {
        var out = new LinkedHashMap<String, RunReport>();
        out.put(r.target() == null ? "mesh" : r.target(), r);
        out.putAll(r.baselines());
        return out;
    }

    double of(RunReport r) {
        return read.applyAsDouble(r);
    }

    /** The value as a person reads it ("1,204", "99.20 %", "12.5"); "–" when nothing was measured. */
    String format(RunReport r) {
        double v = of(r);
        if (Double.isNaN(v)) return "–";
        return switch (unit) {
            case COUNT -> String.format(Locale.ROOT, "%,d", (long) v);
            case PERCENT -> String.format(Locale.ROOT, "%.2f %%", v * 100);
            case DECIMAL -> v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
        };
    }
}
