package dev.gauntlet.harness.report;

import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.Locale;

/**
 * The end-of-run summary a person reads in the terminal: totals, latency, every threshold ✓/✗ with its value, and with
 * baselines a table with one column per run.
 */
public final class Summary {

    private Summary() {}

    public static String render(RunReport r, boolean withBaseline) {
        var sb = new StringBuilder();
        var t = r.totals();
        sb.append(String.format(
                Locale.ROOT,
                "scenario %s  seed %d  %.0f s  %s%n",
                r.scenario(),
                r.seed(),
                r.durationS(),
                r.passed() ? "PASSED" : "FAILED"));
        sb.append(String.format(
                Locale.ROOT,
                "  logical ops %,d  succeeded %,d  failed %,d  success %.2f %%  %.1f req/s achieved%n",
                t.logicalOps(),
                t.succeeded(),
                t.failed(),
                t.successRate() * 100,
                t.reqPerS()));
        sb.append(String.format(
                Locale.ROOT,
                "  retries %,d  retry success %.1f %%  DLQ pending %,d  lost %d  duplicates %d%n",
                t.retries(),
                t.retrySuccessRate() * 100,
                t.dlqPending(),
                t.lost(),
                t.duplicates()));
        var l = r.latencyMs();
        sb.append(String.format(
                Locale.ROOT,
                "  latency ms  p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                l.p50(),
                l.p95(),
                l.p99(),
                l.max()));
        resources(sb, r.resources());
        if (withBaseline && !r.baselines().isEmpty()) baselines(sb, r);
        sb.append("  thresholds:\n");
        for (ThresholdResult th : r.thresholds()) {
            sb.append("    ")
                    .append(th.pass() ? "✓ " : "✗ ")
                    .append(th.expr())
                    .append("   (measured ")
                    .append(JUnitXml.value(th.value()))
                    .append(")\n");
        }
        return sb.toString();
    }

    /** CPU per operation over every process the run could see, then each process's share and peak memory. */
    private static void resources(StringBuilder sb, Resources res) {
        if (res == null || res.processes().isEmpty()) return;
        sb.append(String.format(Locale.ROOT, "  CPU %.1f s  %.3f ms per operation:", res.cpuS(), res.cpuMsPerOp()));
        for (Resources.Process p : res.processes()) {
            sb.append(String.format(Locale.ROOT, "  %s %.1f s", p.role(), p.cpuS()));
            if (p.peakRssBytes() > 0)
                sb.append(String.format(Locale.ROOT, " (peak RSS %d MB)", p.peakRssBytes() >> 20));
        }
        sb.append('\n');
    }

    /** The run beside each baseline, one column each, in the order they ran. */
    private static void baselines(StringBuilder sb, RunReport r) {
        var columns = ComparedFigure.columns(r);
        sb.append("  beside the baselines (same scenario, seed and duration):\n");
        sb.append(String.format(Locale.ROOT, "    %-12s", ""));
        columns.keySet().forEach(name -> sb.append(String.format(Locale.ROOT, " %" + width(name) + "s", name)));
        sb.append('\n');
        for (ComparedFigure f : ComparedFigure.SUMMARY) {
            sb.append(String.format(Locale.ROOT, "    %-12s", f.label));
            columns.forEach(
                    (name, run) -> sb.append(String.format(Locale.ROOT, " %" + width(name) + "s", f.format(run))));
            sb.append('\n');
        }
    }

    /** Wide enough for the name and for "100.00 %". */
    private static int width(String name) {
        return Math.max(10, name.length());
    }
}
