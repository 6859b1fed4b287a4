package dev.gauntlet.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.threshold.ThresholdResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportWriterTest {

    @TempDir
    Path dir;

    static RunReport sample() {
        return sample("mesh", new RunReport.Totals(1000, 990, 10, 3, 0, 1, 120, 0.99, 0.85, 16.7));
    }

    /** The mesh's run with two baselines that each went wrong their own way: one lost writes, one wrote some twice. */
    static RunReport withTwoBaselines() {
        return sample().withBaseline(
                        sample("naive", new RunReport.Totals(1000, 800, 200, 0, 123, 0, 0, 0.8, Double.NaN, 16.7)))
                .withBaseline(
                        sample("naive-retry", new RunReport.Totals(1000, 970, 30, 0, 4, 37, 410, 0.97, 0.9, 16.7)));
    }

    static RunReport sample(String target, RunReport.Totals totals) {
        var lat = new RunReport.Latency(12, 40, 90.5, 300);
        var stripe = new RunReport.ConnectorFigures(
                1000, 990, 10, 120, 0.99, 0.85, 16.7, lat, 3, 0, 1, Map.of("server_error", 10L), 0, 0);
        return new RunReport(
                "hell",
                42,
                60,
                "2026-11-29T12:00:00Z",
                false,
                null,
                target,
                List.of(
                        new ThresholdResult("duplicates == 0", 1, false),
                        new ThresholdResult("p99_ms < 2000", 90.5, true),
                        new ThresholdResult("dlq_delay_ms < 5000", Double.NaN, false)),
                totals,
                lat,
                Map.of("stripe_mock", stripe),
                List.of(
                        new RunReport.SeriesPoint(1, 15, 0.98, 80, 2, 0, "ramp"),
                        new RunReport.SeriesPoint(2, 17, 1.0, 95, 3, 1, "hold")),
                new Resources(List.of(new Resources.Process("runner+farm", 4242, 30.5, 700L << 20)), 30.5, 30.5),
                null);
    }

    @Test
    void shouldWriteTheStableJsonKeys() throws Exception {
        ReportWriter.write(sample().withBaseline(sample("naive", sample().totals())), dir);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(j.get("scenario").asText()).isEqualTo("hell");
        assertThat(j.get("seed").asLong()).isEqualTo(42);
        assertThat(j.get("duration_s").asDouble()).isEqualTo(60);
        assertThat(j.get("thresholds").get(0).get("expr").asText()).isEqualTo("duplicates == 0");
        assertThat(j.get("thresholds").get(0).get("pass").asBoolean()).isFalse();
        assertThat(j.get("thresholds").get(2).get("value").isNull())
                .as("NaN is written as null")
                .isTrue();
        for (String k : List.of(
                "logical_ops",
                "succeeded",
                "failed",
                "dlq_pending",
                "lost",
                "duplicates",
                "retries",
                "success_rate",
                "retry_success_rate")) {
            assertThat(j.get("totals").has(k)).as("totals." + k).isTrue();
        }
        for (String k : List.of("p50", "p95", "p99", "max"))
            assertThat(j.get("latency_ms").has(k)).as("latency_ms." + k).isTrue();
        assertThat(j.get("connectors").get("stripe_mock").get("logical_ops").asLong())
                .isEqualTo(1000);
        assertThat(j.get("baseline").get("totals").get("logical_ops").asLong()).isEqualTo(1000);
        assertThat(j.get("baseline").has("baseline")).isFalse();
        assertThat(j.get("baseline").has("baselines")).isFalse();
        assertThat(j.get("baselines").get("naive")).isEqualTo(j.get("baseline"));
        assertThat(j.at("/resources/cpu_ms_per_op").asDouble()).isEqualTo(30.5);
        assertThat(Files.readString(dir.resolve("report.html")))
                .contains(
                        "<h2>Resources</h2>",
                        "<td class=\"l\">runner+farm</td><td>4242</td><td>30.50</td><td>700</td>");
        assertThat(j.at("/resources/processes/0/role").asText()).isEqualTo("runner+farm");
        assertThat(j.at("/resources/processes/0/peak_rss_bytes").asLong()).isEqualTo(700L << 20);
    }

    @Test
    void shouldKeepEveryBaselineByNameAndTheFirstAsBaselineWhenSeveralRan() throws Exception {
        ReportWriter.write(withTwoBaselines(), dir);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(j.get("baselines").properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("naive", "naive-retry");
        assertThat(j.at("/baselines/naive/target").asText()).isEqualTo("naive");
        assertThat(j.at("/baselines/naive/totals/lost").asLong()).isEqualTo(123);
        assertThat(j.at("/baselines/naive-retry/totals/duplicates").asLong()).isEqualTo(37);
        assertThat(j.at("/baselines/naive-retry/totals/retries").asLong()).isEqualTo(410);
        assertThat(j.get("baseline"))
                .as("baseline keeps the first (DESIGN.md section 6)")
                .isEqualTo(j.at("/baselines/naive"));
        assertThat(j.at("/totals/duplicates").asLong())
                .as("the run's own figures stay the mesh's")
                .isEqualTo(1);
    }

    @Test
    void shouldLeaveBothBaselineKeysOutWithoutACompare() throws Exception {
        ReportWriter.write(sample(), dir);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(j.has("baseline")).isFalse();
        assertThat(j.has("baselines")).isFalse();
    }

    @Test
    void shouldRefuseTheSameBaselineTwice() {
        RunReport once = sample().withBaseline(sample("naive", sample().totals()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> once.withBaseline(sample("naive", sample().totals())))
                .hasMessageContaining("baseline 'naive' is in the report already");
    }

    @Test
    void shouldWriteOneJUnitTestCasePerThreshold() throws Exception {
        ReportWriter.write(sample(), dir);
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile());
        var suite = doc.getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo("2");
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(3);
        assertThat(doc.getElementsByTagName("failure").item(0).getTextContent())
                .isEqualTo("measured 1, needed duplicates == 0");
    }

    @Test
    void shouldGiveEachBaselineAJUnitSuiteOfFiguresThatNeverFails() throws Exception {
        ReportWriter.write(withTwoBaselines(), dir);
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("testsuites");
        assertThat(doc.getDocumentElement().getAttribute("failures"))
                .as("only the run's thresholds count")
                .isEqualTo("2");
        var suites = doc.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(3);
        Element naive = (Element) suites.item(1), retry = (Element) suites.item(2);
        assertThat(naive.getAttribute("name")).isEqualTo("gauntlet.hell.baseline.naive");
        assertThat(retry.getAttribute("name")).isEqualTo("gauntlet.hell.baseline.naive-retry");
        for (Element b : List.of(naive, retry)) {
            assertThat(b.getAttribute("tests")).isEqualTo("0");
            assertThat(b.getAttribute("failures")).isEqualTo("0");
            assertThat(b.getElementsByTagName("testcase").getLength()).isZero();
            assertThat(b.getElementsByTagName("system-out").item(0).getTextContent())
                    .contains("informational");
        }
        assertThat(property(naive, "lost")).isEqualTo("123");
        assertThat(property(retry, "duplicates")).isEqualTo("37");
        assertThat(property(retry, "success_rate")).isEqualTo("0.9700");
        assertThat(property(retry, "retries")).isEqualTo("410");
        assertThat(doc.getElementsByTagName("failure").getLength())
                .as("a baseline's failed thresholds are no failures")
                .isEqualTo(2);
    }

    private static String property(Element suite, String name) {
        var ps = suite.getElementsByTagName("property");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            if (p.getAttribute("name").equals(name)) return p.getAttribute("value");
        }
        throw new AssertionError("no property " + name + " in " + suite.getAttribute("name"));
    }

    @Test
    void shouldWriteASelfContainedHtmlReport() throws Exception {
        ReportWriter.write(sample(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg", "polyline", "✗ fail", "stripe_mock", "<th>mesh</th>");
        assertThat(html).doesNotContain("<script", "src=\"http", "href=\"http", "Beside the baselines");
    }

    @Test
    void shouldPrintNumbersAPersonReadsAndFailuresAsATable() throws Exception {
        var lat = new RunReport.Latency(12, 40, 30_340, 41_000);
        var stripe = new RunReport.ConnectorFigures(
                1000, 948, 52, 120, 0.948, 0.85, 16.7, lat, 3, 0, 0, Map.of("network_error", 52L, "timeout", 7L), 0, 0);
        RunReport r = new RunReport(
                "hell",
                42,
                60,
                "2026-11-29T12:00:00Z",
                false,
                null,
                "mesh",
                List.of(
                        new ThresholdResult("p99_ms < 2000", 30_340.5, false),
                        new ThresholdResult("success_rate > 0.99", 0.94812, false)),
                sample().totals(),
                lat,
                Map.of("stripe_mock", stripe),
                List.of(),
                null,
                null);
        ReportWriter.write(r, dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html)
                .contains(
                        "30,341",
                        "0.9481",
                        "<h2>Failures by class</h2>",
                        "<th>network_error</th>",
                        "<td>52</td>",
                        "<td>59</td>")
                .doesNotContain("e+0", "{network_error=")
                .contains("<!--gauntlet-timeline-->");
        assertThat(HtmlReport.readable(1234567)).isEqualTo("1,234,567");
        assertThat(HtmlReport.readable(12.345)).isEqualTo("12.35");
        assertThat(HtmlReport.readable(Double.NaN)).isEqualTo("not measured");
    }

    @Test
    void shouldShowEachBaselineAsAColumnOfTheHtmlTotals() throws Exception {
        ReportWriter.write(withTwoBaselines(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<th>mesh</th><th>naive</th><th>naive-retry</th>");
        assertThat(html).contains("<tr><td class=\"l\">lost</td><td>0</td><td>123</td><td>4</td></tr>");
        assertThat(html).contains("<tr><td class=\"l\">duplicates</td><td>1</td><td>0</td><td>37</td></tr>");
        assertThat(html)
                .contains("<tr><td class=\"l\">success</td><td>99.00 %</td><td>80.00 %</td><td>97.00 %</td></tr>");
        assertThat(html.indexOf(">lost<")).isLessThan(html.indexOf(">duplicates<"));
        assertThat(html.indexOf(">duplicates<")).isLessThan(html.indexOf(">success<"));
        assertThat(html.indexOf(">success<")).isLessThan(html.indexOf(">p50 ms<"));
    }

    @Test
    void shouldSummariseEveryThresholdWithItsValue() {
        String s = Summary.render(sample(), false);
        assertThat(s)
                .contains(
                        "FAILED",
                        "✗ duplicates == 0   (measured 1)",
                        "✓ p99_ms < 2000   (measured 90.50)",
                        "not measured",
                        "CPU 30.5 s  30.500 ms per operation:  runner+farm 30.5 s (peak RSS 700 MB)");
    }

    @Test
    void shouldSummariseTheRunBesideEachBaselineOneColumnEach() {
        String s = Summary.render(withTwoBaselines(), true);
        List<String> lines = s.lines().toList();
        int head = lines.indexOf(lines.stream()
                .filter(l -> l.contains("beside the baselines"))
                .findFirst()
                .orElseThrow());
        assertThat(lines.get(head + 1).split("\\s+")).containsSubsequence("mesh", "naive", "naive-retry");
        assertThat(lines.get(head + 2).split("\\s+")).containsSubsequence("lost", "0", "123", "4");
        assertThat(lines.get(head + 3).split("\\s+")).containsSubsequence("duplicates", "1", "0", "37");
        assertThat(lines.get(head + 4)).contains("success", "99.00 %", "80.00 %", "97.00 %");
        assertThat(lines.get(head + 5)).contains("p50 ms");
        assertThat(Summary.render(withTwoBaselines(), false))
                .as("not in the JUnit system-out of the run")
                .doesNotContain("beside the baselines");
    }
}
