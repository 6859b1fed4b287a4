package dev.gauntlet.harness.report;

import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.Locale;

/** The end-of-run summary a person reads in the terminal: totals, latency, every threshold ✓/✗ with its value. */
public final class Summary {

    private Summary() {}

    public static String render(RunReport r, boolean withBaseline) {
        var sb = new StringBuilder();
        var t = r.totals();
        sb.append(String.format(Locale.ROOT, "scenario %s  seed %d  %.0f s  %s%n", r.scenario(), r.seed(), r.durationS(), r.passed() ? "PASSED" : "FAILED"));
        sb.append(String.format(Locale.ROOT, "  logical ops %,d  succeeded %,d  failed %,d  success %.2f %%  %.1f req/s%n",
                t.logicalOps(), t.succeeded(), t.failed(), t.successRate() * 100, t.reqPerS()));
        sb.append(String.format(Locale.ROOT, "  retries %,d  retry success %.1f %%  DLQ pending %,d  lost %d  duplicates %d%n",
                t.retries(), t.retrySuccessRate() * 100, t.dlqPending(), t.lost(), t.duplicates()));
        var l = r.latencyMs();
        sb.append(String.format(Locale.ROOT, "  latency ms  p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n", l.p50(), l.p95(), l.p99(), l.max()));
        if (withBaseline && r.baseline() != null) {
            var b = r.baseline().totals();
            var bl = r.baseline().latencyMs();
            sb.append(String.format(Locale.ROOT, "  naive client: success %.2f %%  %.1f req/s  p99 %.1f ms  lost %d  duplicates %d%n",
                    b.successRate() * 100, b.reqPerS(), bl.p99(), b.lost(), b.duplicates()));
        }
        sb.append("  thresholds:\n");
        for (ThresholdResult th : r.thresholds()) {
            sb.append("    ").append(th.pass() ? "✓ " : "✗ ").append(th.expr()).append("   (measured ").append(JUnitXml.value(th.value())).append(")\n");
        }
        return sb.toString();
    }
}
