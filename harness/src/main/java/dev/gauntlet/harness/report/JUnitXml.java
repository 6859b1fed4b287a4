package dev.gauntlet.harness.report;

import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.Locale;

/**
 * A run as JUnit XML, one test case per threshold, so any CI shows which held and which did not. Each baseline is a
 * test suite of its own with no test case: its figures as properties and its summary as system-out, so a CI shows
 * them beside the run but a baseline never fails the build.
 */
public final class JUnitXml {

    private JUnitXml() {}

    public static String render(RunReport r) {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        String suite = "gauntlet." + r.scenario();
        sb.append("<testsuites name=\"")
                .append(esc(suite))
                .append("\" tests=\"")
                .append(r.thresholds().size())
                .append("\" failures=\"")
                .append(r.failedThresholds())
                .append("\" errors=\"0\" time=\"")
                .append(seconds(r))
                .append("\">\n");
        sb.append("  <testsuite name=\"")
                .append(esc(suite))
                .append("\" tests=\"")
                .append(r.thresholds().size())
                .append("\" failures=\"")
                .append(r.failedThresholds())
                .append("\" errors=\"0\" time=\"")
                .append(seconds(r))
                .append("\" timestamp=\"")
                .append(esc(r.startedAt()))
                .append("\">\n");
        sb.append("    <properties>\n");
        property(sb, "seed", String.valueOf(r.seed()));
        property(sb, "logical_ops", String.valueOf(r.totals().logicalOps()));
        sb.append("    </properties>\n");
        for (ThresholdResult t : r.thresholds()) {
            sb.append("    <testcase classname=\"")
                    .append(esc(suite))
                    .append(".thresholds\" name=\"")
                    .append(esc(t.expr()))
                    .append("\" time=\"0\"");
            if (t.pass()) {
                sb.append("/>\n");
            } else {
                String msg = "measured " + value(t.value()) + ", needed " + t.expr();
                sb.append(">\n      <failure message=\"")
                        .append(esc(msg))
                        .append("\" type=\"threshold\">")
                        .append(esc(msg))
                        .append("</failure>\n    </testcase>\n");
            }
        }
        sb.append("    <system-out>").append(esc(Summary.render(r, false))).append("</system-out>\n");
        sb.append("  </testsuite>\n");
        r.baselines().forEach((name, b) -> baseline(sb, suite + ".baseline." + name, name, b));
        return sb.append("</testsuites>\n").toString();
    }

    /** A baseline: informational only, so no test case (nothing to fail), its figures as properties. */
    private static void baseline(StringBuilder sb, String suite, String name, RunReport b) {
        sb.append("  <testsuite name=\"")
                .append(esc(suite))
                .append("\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"")
                .append(seconds(b))
                .append("\" timestamp=\"")
                .append(esc(b.startedAt()))
                .append("\">\n");
        sb.append("    <properties>\n");
        property(sb, "baseline", name);
        property(sb, "seed", String.valueOf(b.seed()));
        for (ComparedFigure f : ComparedFigure.values()) property(sb, f.key, value(f.of(b)));
        sb.append("    </properties>\n");
        sb.append("    <system-out>")
                .append(esc(
                        "baseline " + name + " (informational, never fails the build)\n" + Summary.render(b, false)))
                .append("</system-out>\n");
        sb.append("  </testsuite>\n");
    }

    private static void property(StringBuilder sb, String name, String value) {
        sb.append("      <property name=\"")
                .append(esc(name))
                .append("\" value=\"")
                .append(esc(value))
                .append("\"/>\n");
    }

    private static String seconds(RunReport r) {
        return String.format(Locale.ROOT, "%.3f", r.durationS());
    }

    static String value(double v) {
        if (Double.isNaN(v)) return "nothing (not measured)";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        var sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    // XML 1.0 forbids most control characters even escaped.
                    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
