package dev.gauntlet.harness.report;

import dev.gauntlet.harness.threshold.ThresholdResult;
import java.util.Locale;

/** A run as JUnit XML, one test case per threshold, so any CI shows which held and which did not. */
public final class JUnitXml {

    private JUnitXml() {}

    public static String render(RunReport r) {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        String suite = "gauntlet." + r.scenario();
        sb.append("<testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(r.thresholds().size())
                .append("\" failures=\"").append(r.failedThresholds()).append("\" errors=\"0\" time=\"")
                .append(String.format(Locale.ROOT, "%.3f", r.durationS())).append("\" timestamp=\"").append(esc(r.startedAt())).append("\">\n");
        sb.append("  <properties>\n");
        sb.append("    <property name=\"seed\" value=\"").append(r.seed()).append("\"/>\n");
        sb.append("    <property name=\"logical_ops\" value=\"").append(r.totals().logicalOps()).append("\"/>\n");
        sb.append("  </properties>\n");
        for (ThresholdResult t : r.thresholds()) {
            sb.append("  <testcase classname=\"").append(esc(suite)).append(".thresholds\" name=\"").append(esc(t.expr())).append("\" time=\"0\"");
            if (t.pass()) {
                sb.append("/>\n");
            } else {
                String msg = "measured " + value(t.value()) + ", needed " + t.expr();
                sb.append(">\n    <failure message=\"").append(esc(msg)).append("\" type=\"threshold\">").append(esc(msg)).append("</failure>\n  </testcase>\n");
            }
        }
        sb.append("  <system-out>").append(esc(Summary.render(r, false))).append("</system-out>\n");
        return sb.append("</testsuite>\n").toString();
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
