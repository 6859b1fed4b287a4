package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.zip.GZIPInputStream;
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
        JsonNode json =
                new ObjectMapper().readTree(reports.resolve("report.json").toFile());
        assertThat(json.get("scenario").asText()).isEqualTo("ten");
        assertThat(json.get("seed").asLong()).isEqualTo(11);
        assertThat(json.at("/totals/logical_ops").asLong()).isBetween(230L, 270L);
        assertThat(Files.readString(reports.resolve("junit.xml"))).contains("tests=\"3\"", "failures=\"0\"");
        assertThat(Files.readString(reports.resolve("report.html"))).contains("<svg");
        // The run's timeline, recorded as the AAM records its runs: a metrics line each second, the phase, the end.
        var lines = new ArrayList<JsonNode>();
        try (var in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(reports.resolve("timeline.ndjson.gz"))),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines.stream().filter(l -> l.has("metrics")).count())
                .as(lines.toString().substring(0, Math.min(600, lines.toString().length())))
                .isGreaterThanOrEqualTo(8);
        assertThat(lines.toString())
                .contains("\"what\":\"phase\"", "\"phase\":\"calm\"", "\"what\":\"finished\"", "\"state\":\"passed\"");
        // report.html carries it when the UI's report viewer was built; without it (-Dskip.ui) the run says so.
        String html = Files.readString(reports.resolve("report.html"));
        if (html.contains("id=\"gauntlet-timeline-data\"")) assertThat(html).doesNotContain("<!--gauntlet-timeline-->");
        else assertThat(r.out()).contains("report.html has no timeline");
    }

    @Test
    void shouldTurnAFarmGivenByUrlBackToCalmWhenTheRunEnds() throws Exception {
        try (var farm = dev.gauntlet.farm.FarmServer.start(
                dev.gauntlet.farm.FarmConfig.builder().host("127.0.0.1").port(0).build())) {
            CliRun r = run(
                    "run",
                    "mild",
                    "--duration",
                    "2s",
                    "--farm-url",
                    farm.url(),
                    "--report-dir",
                    dir.resolve("calm").toString());
            assertThat(r.out()).as(r.out() + r.err()).contains("back to calm");
            var status = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(farm.url() + "/admin/chaos"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode services = new ObjectMapper().readTree(status.body()).path("services");
            assertThat(services.size()).isPositive();
            services.forEach(level -> assertThat(level.asText()).isEqualTo("calm"));
        }
    }

    @Test
    void shouldExitOneWhenAThresholdFails() throws Exception {
        Path reports = dir.resolve("failing");
        CliRun r = run(
                "run",
                scenario("  - \"p99_ms < 0.001\"\n").toString(),
                "--duration",
                "3s",
                "--report-dir",
                reports.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED", "✗ p99_ms < 0.001");
        assertThat(Files.readString(reports.resolve("junit.xml"))).contains("failures=\"1\"");
    }

    @Test
    void shouldRunEveryBaselineAfterTheMeshAndReportThemSideBySide() throws Exception {
        Path reports = dir.resolve("compared");
        CliRun r = run(
                "run",
                scenario("").toString(),
                "--duration",
                "2s",
                "--compare",
                "naive,naive-retry",
                "--report-dir",
                reports.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("baseline naive: ", "baseline naive-retry: ", "beside the baselines");
        assertThat(r.out().indexOf("baseline naive: ")).isLessThan(r.out().indexOf("baseline naive-retry: "));
        String header = r.out()
                .lines()
                .dropWhile(l -> !l.contains("beside the baselines"))
                .skip(1)
                .findFirst()
                .orElseThrow();
        assertThat(header.strip().split("\\s+")).containsExactly("mesh", "naive", "naive-retry");

        JsonNode json =
                new ObjectMapper().readTree(reports.resolve("report.json").toFile());
        assertThat(json.get("target").asText()).isEqualTo("mesh");
        assertThat(json.get("baselines").properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("naive", "naive-retry");
        assertThat(json.at("/baselines/naive-retry/target").asText()).isEqualTo("naive-retry");
        assertThat(json.at("/baselines/naive-retry/seed").asLong())
                .as("same seed")
                .isEqualTo(11);
        assertThat(json.at("/baselines/naive-retry/totals/logical_ops").asLong())
                .as("same workload")
                .isBetween(40L, 60L);
        assertThat(json.get("baseline")).isEqualTo(json.at("/baselines/naive"));
        assertThat(Files.readString(reports.resolve("junit.xml")))
                .contains("gauntlet.ten.baseline.naive\"", "gauntlet.ten.baseline.naive-retry\"");
        assertThat(Files.readString(reports.resolve("report.html")))
                .contains("<th>mesh</th><th>naive</th><th>naive-retry</th>");
    }

    @Test
    void shouldRefuseAnUnknownBaselineNamingTheAcceptedOnes() {
        CliRun r = run("run", "mild", "--duration", "1s", "--compare", "naive,smart");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("--compare naive,smart: unknown baseline 'smart'; accepted: naive, naive-retry, naive-keyed");
        CliRun twice = run("run", "mild", "--duration", "1s", "--compare", "naive,naive");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("baseline 'naive' is named twice");
    }

    @Test
    void shouldRefuseAnUnknownScenarioWithTheChoices() {
        CliRun r = run("run", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown scenario 'nope'", "hell");
    }

    @Test
    void shouldRefuseAFarmOrAamThatDoesNotAnswerBeforeAnyLoad() {
        CliRun farm = run("run", "mild", "--duration", "1s", "--farm-url", "http://127.0.0.1:9");
        assertThat(farm.exit()).isEqualTo(2);
        assertThat(farm.err())
                .contains("--farm-url http://127.0.0.1:9: cannot reach the farm")
                .doesNotContain("\tat ");
        CliRun aam = run("run", "mild", "--duration", "1s", "--aam-url", "http://127.0.0.1:9");
        assertThat(aam.exit()).isEqualTo(2);
        assertThat(aam.err()).contains("--aam-url http://127.0.0.1:9: cannot reach the AAM");
        CliRun none = run(
                "run",
                "mild",
                "--duration",
                "1s",
                "--aam-url",
                "http://127.0.0.1:9,http://127.0.0.1:7",
                "--aam-url",
                "http://127.0.0.1:5");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err())
                .contains(
                        "--aam-url http://127.0.0.1:9,http://127.0.0.1:7,http://127.0.0.1:5: cannot reach any of the AAM nodes");
    }

    @Test
    void shouldRefuseAnEmptyOrRepeatedAamNodeNamingTheOption() {
        CliRun empty = run("run", "mild", "--duration", "1s", "--aam-url", "http://127.0.0.1:9,,http://127.0.0.1:7");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("--aam-url: an empty node URL");
        CliRun twice = run(
                "run",
                "mild",
                "--duration",
                "1s",
                "--aam-url",
                "http://127.0.0.1:9",
                "--aam-url",
                "http://127.0.0.1:9/");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("--aam-url: node http://127.0.0.1:9 is named twice");
    }

    @Test
    void shouldRefuseAMissingOrBrokenConnectorsFileNamingTheField() throws Exception {
        CliRun missing = run(
                "run",
                "mild",
                "--duration",
                "1s",
                "--connectors",
                dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--connectors", "nope.yaml: no such file");
        Path broken = Files.writeString(
                dir.resolve("broken.yaml"), "connectors:\n  - { id: x, base_url: 'http://h', limit: { burst: 0 } }\n");
        CliRun bad = run("run", "mild", "--duration", "1s", "--connectors", broken.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("connectors[0] (x): limit.burst must be ≥ 1, was 0");
    }

    @Test
    void shouldSayInOneLineWhyACommandFailedAtRunTime() {
        // The report folder is a file: the run cannot write its reports.
        Path notAFolder = dir.resolve("taken");
        org.assertj.core.api.Assertions.assertThatCode(() -> Files.writeString(notAFolder, "x"))
                .doesNotThrowAnyException();
        CliRun r = run("run", "schema_drift", "--duration", "1s", "--report-dir", notAFolder.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("gauntlet run: ").doesNotContain("\tat ");
    }

    @Test
    void shouldListScenariosWorkflowsAndConnectors() {
        CliRun r = run("list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("hell", "network_chaos_dlq", "idempotent_write", "drift_sensitive", "stripe_mock");
    }
}
