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

class ReportWriterTest {

    @TempDir
    Path dir;

    static RunReport sample(RunReport baseline) {
        var lat = new RunReport.Latency(12, 40, 90.5, 300);
        var totals = new RunReport.Totals(1000, 990, 10, 3, 0, 1, 120, 0.99, 0.85, 16.7);
        var stripe = new RunReport.ConnectorFigures(1000, 990, 10, 120, 0.99, 0.85, 16.7, lat, 3, 0, 1, Map.of("server_error", 10L), 0, 0);
        return new RunReport("hell", 42, 60, "2026-11-29T12:00:00Z", false, null, "mesh",
                List.of(new ThresholdResult("duplicates == 0", 1, false), new ThresholdResult("p99_ms < 2000", 90.5, true),
                        new ThresholdResult("dlq_delay_ms < 5000", Double.NaN, false)),
                totals, lat, Map.of("stripe_mock", stripe),
                List.of(new RunReport.SeriesPoint(1, 15, 0.98, 80, 2, 0, "ramp"), new RunReport.SeriesPoint(2, 17, 1.0, 95, 3, 1, "hold")),
                baseline);
    }

    @Test
    void shouldWriteTheStableJsonKeys() throws Exception {
        ReportWriter.write(sample(sample(null)), dir);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(j.get("scenario").asText()).isEqualTo("hell");
        assertThat(j.get("seed").asLong()).isEqualTo(42);
        assertThat(j.get("duration_s").asDouble()).isEqualTo(60);
        assertThat(j.get("thresholds").get(0).get("expr").asText()).isEqualTo("duplicates == 0");
        assertThat(j.get("thresholds").get(0).get("pass").asBoolean()).isFalse();
        assertThat(j.get("thresholds").get(2).get("value").isNull()).as("NaN is written as null").isTrue();
        for (String k : List.of("logical_ops", "succeeded", "failed", "dlq_pending", "lost", "duplicates", "retries", "success_rate", "retry_success_rate")) {
            assertThat(j.get("totals").has(k)).as("totals." + k).isTrue();
        }
        for (String k : List.of("p50", "p95", "p99", "max")) assertThat(j.get("latency_ms").has(k)).as("latency_ms." + k).isTrue();
        assertThat(j.get("connectors").get("stripe_mock").get("logical_ops").asLong()).isEqualTo(1000);
        assertThat(j.get("baseline").get("totals").get("logical_ops").asLong()).isEqualTo(1000);
        assertThat(j.get("baseline").has("baseline")).isFalse();
    }

    @Test
    void shouldWriteOneJUnitTestCasePerThreshold() throws Exception {
        ReportWriter.write(sample(null), dir);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        var suite = doc.getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo("2");
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(3);
        assertThat(doc.getElementsByTagName("failure").item(0).getTextContent()).isEqualTo("measured 1, needed duplicates == 0");
    }

    @Test
    void shouldWriteASelfContainedHtmlReport() throws Exception {
        ReportWriter.write(sample(sample(null)), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg", "polyline", "✗ fail", "naive client", "stripe_mock");
        assertThat(html).doesNotContain("<script", "src=\"http", "href=\"http");
    }

    @Test
    void shouldSummariseEveryThresholdWithItsValue() {
        String s = Summary.render(sample(null), false);
        assertThat(s).contains("FAILED", "✗ duplicates == 0   (measured 1)", "✓ p99_ms < 2000   (measured 90.50)", "not measured");
    }
}
