package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gauntlet run} end to end in-process: exit code, summary and the three report files. */
class RunCommandTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** Ten seconds of calm reads and writes on two connectors; one threshold per outcome we want to see. */
    private Path scenario(String extraThreshold) throws Exception {
        return Files.writeString(dir.resolve("ten.yaml"), """
                name: ten
                seed: 11
                settle: 1s
                phases:
                  - name: calm
                    duration: 10s
                    chaos: { level: calm }
                    workflows:
                      - { workflow: high_volume_read, rate: 10, connectors: [stripe_mock, mongodb_mock] }
                      - { workflow: idempotent_write, rate: 5, connectors: [stripe_mock] }
                thresholds:
                  - "lost == 0"
                  - "duplicates == 0"
                  - "success_rate > 0.99"
                """ + extraThreshold);
    }

    @Test
    void shouldExitZeroAndWriteTheThreeReportsWhenEveryThresholdHolds() throws Exception {
        Path reports = dir.resolve("reports");
        CliRun r = run("run", scenario("").toString(), "--report-dir", reports.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASSED", "✓ lost == 0", "✓ duplicates == 0");
        JsonNode json = new ObjectMapper().readTree(reports.resolve("report.json").toFile());
        assertThat(json.get("scenario").asText()).isEqualTo("ten");
        assertThat(json.get("seed").asLong()).isEqualTo(11);
        assertThat(json.at("/totals/logical_ops").asLong()).isBetween(230L, 270L);
        assertThat(Files.readString(reports.resolve("junit.xml"))).contains("tests=\"3\"", "failures=\"0\"");
        assertThat(Files.readString(reports.resolve("report.html"))).contains("<svg");
    }

    @Test
    void shouldExitOneWhenAThresholdFails() throws Exception {
        Path reports = dir.resolve("failing");
        CliRun r = run("run", scenario("  - \"p99_ms < 0.001\"\n").toString(), "--duration", "3s", "--report-dir", reports.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED", "✗ p99_ms < 0.001");
        assertThat(Files.readString(reports.resolve("junit.xml"))).contains("failures=\"1\"");
    }

    @Test
    void shouldRefuseAnUnknownScenarioWithTheChoices() {
        CliRun r = run("run", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown scenario 'nope'", "hell");
    }

    @Test
    void shouldListScenariosWorkflowsAndConnectors() {
        CliRun r = run("list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("hell", "network_chaos_dlq", "idempotent_write", "drift_sensitive", "stripe_mock");
    }
}
