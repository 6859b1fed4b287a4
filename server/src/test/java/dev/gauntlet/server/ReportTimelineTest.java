package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What report.html's charts draw besides the timeline: the thresholds and each baseline's seconds, from report.json. */
class ReportTimelineTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheChartsTheReportsThresholdsAndEveryBaselinesSeries() throws Exception {
        Files.writeString(dir.resolve("report.json"), """
                {"scenario": "mild", "thresholds": [{"expr": "p99_ms < 200", "value": 150.0, "pass": true}],
                 "series": [{"t": 1.0, "req_per_s": 600}],
                 "baselines": {"naive": {"series": [{"t": 1.0, "req_per_s": 640, "success_rate": 0.93, "p99_ms": 80.0}]},
                               "naive-retry": {"series": []}}}
                """);
        JsonNode o = Json.MAPPER.readTree(ReportTimeline.overlay(dir));
        assertThat(o.at("/thresholds/0/expr").asText()).isEqualTo("p99_ms < 200");
        assertThat(o.at("/baselines/naive/0/req_per_s").asInt()).isEqualTo(640);
        assertThat(o.at("/baselines/naive-retry").size()).isZero();
    }

    @Test
    void shouldGiveNothingWithoutAReport() {
        assertThat(ReportTimeline.overlay(dir)).isEqualTo("{}");
    }
}
