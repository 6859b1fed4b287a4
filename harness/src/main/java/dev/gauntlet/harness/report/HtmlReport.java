package dev.gauntlet.harness.report;

import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** A self-contained HTML report: no script, no network; charts are inline SVG drawn from the per-second series. */
public final class HtmlReport {

    private HtmlReport() {}

    public static String render(RunReport r) {
        var sb = new StringBuilder();
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gauntlet: ")
                .append(JUnitXml.esc(r.scenario()))
                .append("</title>\n");
        sb.append(
                "<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}table{border-collapse:collapse;margin:1em 0}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
                        + ".pass{color:#08790b}.fail{color:#b00020;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:1em}"
                        + "figure{margin:0}figcaption{font-weight:bold;margin-bottom:4px}</style></head><body>\n");
        sb.append("<h1>")
                .append(JUnitXml.esc(r.scenario()))
                .append(" — <span class=\"")
                .append(r.passed() ? "pass\">PASSED" : "fail\">FAILED")
                .append("</span></h1>\n");
        sb.append("<p>seed ")
                .append(r.seed())
                .append(" · ")
                .append(fmt(r.durationS()))
                .append(" s · started ")
                .append(JUnitXml.esc(r.startedAt()))
                .append("</p>\n");

        sb.append(
                "<h2>Thresholds</h2><table><tr><th class=\"l\">threshold</th><th>measured</th><th>verdict</th></tr>\n");
        for (ThresholdResult t : r.thresholds()) {
            sb.append("<tr><td class=\"l\">")
                    .append(JUnitXml.esc(t.expr()))
                    .append("</td><td>")
                    .append(JUnitXml.esc(readable(t.value())))
                    .append("</td><td class=\"")
                    .append(t.pass() ? "pass\">✓ pass" : "fail\">✗ fail")
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");

        // One column per run: this one, then each baseline (same scenario, seed and duration) in the order they ran.
        var columns = ComparedFigure.columns(r);
        sb.append("<h2>Totals</h2>");
        if (columns.size() > 1)
            sb.append("<p>Beside the baselines: the same workload through each baseline client, same seed.</p>");
        sb.append("<table><tr><th class=\"l\">figure</th>");
        columns.keySet()
                .forEach(name -> sb.append("<th>").append(JUnitXml.esc(name)).append("</th>"));
        sb.append("</tr>\n");
        for (ComparedFigure f : ComparedFigure.values()) {
            sb.append("<tr><td class=\"l\">").append(JUnitXml.esc(f.label)).append("</td>");
            columns.values()
                    .forEach(run -> sb.append("<td>")
                            .append(JUnitXml.esc(f.format(run)))
                            .append("</td>"));
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");

        sb.append(
                "<h2>Connectors</h2><table><tr><th class=\"l\">connector</th><th>logical ops</th><th>success</th><th title=\"operations that succeeded per second (achieved, not offered)\">achieved req/s</th><th>retries</th>"
                        + "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>DLQ pending</th><th>lost</th><th>duplicates</th></tr>\n");
        r.connectors()
                .forEach((id, c) -> sb.append("<tr><td class=\"l\">")
                        .append(JUnitXml.esc(id))
                        .append("</td><td>")
                        .append(c.logicalOps())
                        .append("</td><td>")
                        .append(pct(c.successRate()))
                        .append("</td><td>")
                        .append(fmt(c.reqPerS()))
                        .append("</td><td>")
                        .append(c.retries())
                        .append("</td><td>")
                        .append(fmt(c.latencyMs().p50()))
                        .append("</td><td>")
                        .append(fmt(c.latencyMs().p95()))
                        .append("</td><td>")
                        .append(fmt(c.latencyMs().p99()))
                        .append("</td><td>")
                        .append(c.dlqPending())
                        .append("</td><td>")
                        .append(c.lost())
                        .append("</td><td>")
                        .append(c.duplicates())
                        .append("</td></tr>\n"));
        sb.append("</table>\n");
        failures(sb, r);
        resources(sb, r.resources());

        List<RunReport.SeriesPoint> s = r.series() == null ? List.of() : r.series();
        // The server puts the recorded timeline here (the control room's charts and markers); the static charts below
        // are what a report without one shows, and what the timeline's page hides once it has drawn.
        sb.append("<!--gauntlet-timeline-->\n");
        sb.append("<div id=\"static-charts\"><h2>Over time</h2><div class=\"charts\">\n");
        chart(sb, "logical ops per second", s, RunReport.SeriesPoint::reqPerS, "#1f77b4");
        chart(sb, "success rate (%)", s, p -> p.successRate() * 100, "#2ca02c");
        chart(sb, "p99 latency (ms)", s, RunReport.SeriesPoint::p99Ms, "#d62728");
        chart(sb, "DLQ depth", s, p -> p.dlqDepth(), "#9467bd");
        sb.append("</div></div>\n</body></html>\n");
        return sb.toString();
    }

    /** A 360×160 line chart with its maximum and the run's length on the axes. */
    static void chart(
            StringBuilder sb,
            String title,
            List<RunReport.SeriesPoint> points,
            ToDoubleFunction<RunReport.SeriesPoint> y,
            String colour) {
        final int w = 360, h = 160, pad = 30;
        double maxY = 0, maxT = 1;
        for (var p : points) {
            double v = y.applyAsDouble(p);
            if (Double.isFinite(v)) maxY = Math.max(maxY, v);
            maxT = Math.max(maxT, p.t());
        }
        if (maxY == 0) maxY = 1;
        sb.append("<figure><figcaption>")
                .append(JUnitXml.esc(title))
                .append("</figcaption><svg role=\"img\" aria-label=\"")
                .append(JUnitXml.esc(title))
                .append("\" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(h)
                .append("\" viewBox=\"0 0 ")
                .append(w)
                .append(' ')
                .append(h)
                .append("\">");
        sb.append("<rect x=\"")
                .append(pad)
                .append("\" y=\"5\" width=\"")
                .append(w - pad - 5)
                .append("\" height=\"")
                .append(h - pad - 5)
                .append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        sb.append("<text x=\"2\" y=\"14\" font-size=\"10\">")
                .append(fmt(maxY))
                .append("</text><text x=\"2\" y=\"")
                .append(h - pad)
                .append("\" font-size=\"10\">0</text><text x=\"")
                .append(w - 40)
                .append("\" y=\"")
                .append(h - 12)
                .append("\" font-size=\"10\">")
                .append(fmt(maxT))
                .append(" s</text>");
        if (!points.isEmpty()) {
            sb.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"");
            for (var p : points) {
                double v = y.applyAsDouble(p);
                if (!Double.isFinite(v)) continue;
                double px = pad + (w - pad - 5) * (p.t() / maxT);
                double py = 5 + (h - pad - 5) * (1 - v / maxY);
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            sb.append("\"/>");
        }
        sb.append("</svg></figure>\n");
    }

    /** Failed operations per connector and error class, one column per class seen. */
    static void failures(StringBuilder sb, RunReport r) {
        var classes = new TreeSet<String>();
        r.connectors().values().forEach(c -> {
            if (c.failures() != null) classes.addAll(c.failures().keySet());
        });
        sb.append("<h2>Failures by class</h2>");
        if (classes.isEmpty()) {
            sb.append("<p>No operation failed.</p>\n");
            return;
        }
        sb.append("<table class=\"failures\"><tr><th class=\"l\">connector</th>");
        classes.forEach(k -> sb.append("<th>").append(JUnitXml.esc(k)).append("</th>"));
        sb.append("<th>total</th></tr>\n");
        r.connectors().forEach((id, c) -> {
            sb.append("<tr><td class=\"l\">").append(JUnitXml.esc(id)).append("</td>");
            long total = 0;
            for (String k : classes) {
                Number n = c.failures() == null ? null : c.failures().get(k);
                long v = n == null ? 0 : n.longValue();
                total += v;
                sb.append("<td>")
                        .append(v == 0 ? "–" : String.format(Locale.ROOT, "%,d", v))
                        .append("</td>");
            }
            sb.append("<td>").append(String.format(Locale.ROOT, "%,d", total)).append("</td></tr>\n");
        });
        sb.append("</table>\n");
    }

    /** What the run cost the machine: CPU per operation over every process it could see, then each process. */
    static void resources(StringBuilder sb, Resources res) {
        if (res == null || res.processes().isEmpty()) return;
        sb.append("<h2>Resources</h2><p>")
                .append(readable(res.cpuS()))
                .append(" CPU seconds, ")
                .append(readable(res.cpuMsPerOp()))
                .append(" ms of CPU per operation</p>\n");
        sb.append("<table><tr><th class=\"l\">process</th><th>pid</th><th>CPU s</th><th>peak RSS MB</th></tr>\n");
        for (Resources.Process p : res.processes()) {
            sb.append("<tr><td class=\"l\">")
                    .append(JUnitXml.esc(p.role()))
                    .append("</td><td>")
                    .append(p.pid())
                    .append("</td><td>")
                    .append(readable(p.cpuS()))
                    .append("</td><td>")
                    .append(p.peakRssBytes() < 0 ? "–" : String.format(Locale.ROOT, "%,d", p.peakRssBytes() >> 20))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    /** A measured value as a person reads it: 30,340 · 245.6 · 0.9923 (never 3.034e+04); "not measured" for NaN. */
    static String readable(double v) {
        if (Double.isNaN(v)) return "not measured";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "-∞";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
        if (a >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    }

    private static String pct(double rate) {
        return Double.isNaN(rate) ? "–" : String.format(Locale.ROOT, "%.2f %%", rate * 100);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) return "–";
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
