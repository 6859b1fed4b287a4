package dev.gauntlet.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.report.RunReport;
import dev.gauntlet.harness.scenario.Scenario;
import dev.gauntlet.harness.scenario.ScenarioLoader;
import dev.gauntlet.harness.workflow.Workflows;
import dev.gauntlet.mesh.Mesh;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A short scenario end to end against the real farm, through the mesh and through the naive client. */
class ScenarioRunnerTest {

    static FarmServer farm;
    static HttpClient http = HttpClient.newHttpClient();
    static List<ConnectorsFile.Entry> connectors;

    @BeforeAll
    static void start() {
        farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
        connectors = ConnectorsFile.builtIn(farm.url()).stream()
                .filter(e ->
                        List.of("stripe_mock", "mongodb_mock").contains(e.spec().id()))
                .toList();
    }

    @AfterAll
    static void stop() {
        farm.close();
        http.close();
    }

    static final String SCENARIO = """
            name: short
            seed: 7
            settle: 1s
            phases:
              - name: calm
                duration: 2s
                chaos: { level: calm }
                workflows:
                  - { workflow: high_volume_read, rate: 20, connectors: ["*"] }
                  - { workflow: idempotent_write, rate: 10, connectors: [stripe_mock] }
            thresholds:
              - "success_rate > 0.99"
              - "lost == 0"
              - "duplicates == 0"
              - "req_per_s{connector=stripe_mock} >= 25"
              - "p99_ms < 1"
            """;

    @Test
    void shouldRunLoadCheckTheLedgerAndJudgeEveryThreshold() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "short.yaml");
        var seconds = new CopyOnWriteArrayList<ScenarioRunner.Live>();
        try (Mesh mesh = Mesh.builder().build()) {
            RunReport r = new ScenarioRunner(Workflows.builtIn(), new FarmControl(farm.url(), http), true)
                    .run(s, Targets.mesh(mesh, connectors), seconds::add, () -> false);
            assertThat(r.target()).isEqualTo("mesh");
            assertThat(r.totals().logicalOps()).isBetween(90L, 110L);
            assertThat(r.totals().lost()).isZero();
            assertThat(r.totals().duplicates()).isZero();
            assertThat(r.connectors().get("stripe_mock").logicalOps()).isBetween(55L, 65L);
            assertThat(r.thresholds())
                    .extracting(t -> t.expr() + "=" + t.pass())
                    .containsExactly(
                            "success_rate > 0.99=true",
                            "lost == 0=true",
                            "duplicates == 0=true",
                            "req_per_s{connector=stripe_mock} >= 25=true",
                            "p99_ms < 1=false");
            assertThat(r.passed()).as("a failed threshold fails the run").isFalse();
            assertThat(seconds)
                    .as("a progress line each second of a 2 s run (the last may fall after its end)")
                    .isNotEmpty();
            // The verdict live: every threshold of the scenario each second, from the report's own evaluation; what
            // only the checker knows after the run (lost, duplicates) is not measured yet.
            assertThat(seconds.getFirst().thresholds())
                    .extracting(t -> t.expr())
                    .containsExactlyElementsOf(
                            s.thresholds().stream().map(t -> t.expr()).toList());
            assertThat(seconds.getFirst().thresholds().get(1).value())
                    .as("lost during the run")
                    .isNaN();
            assertThat(seconds.getFirst().thresholds().getFirst().value())
                    .as("success rate so far")
                    .isBetween(0.99, 1.0);
            assertThat(r.series()).isNotEmpty();
            // Mesh, farm and load share this process: it is counted once, under both roles.
            assertThat(r.resources().processes()).extracting(p -> p.role()).containsExactly("runner+farm");
            assertThat(r.resources().cpuS()).isPositive();
            assertThat(r.resources().cpuMsPerOp())
                    .isEqualTo(
                            Math.round(r.resources().cpuS() * 1000 / r.totals().logicalOps() * 1e4) / 1e4);
        }
    }

    @Test
    void shouldRunTheSameWorkloadThroughTheNaiveClient() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "short.yaml");
        RunReport r = new ScenarioRunner(Workflows.builtIn(), new FarmControl(farm.url(), http), true)
                .run(s, Targets.naive(connectors, http), ScenarioRunner.Listener.NONE, () -> false);
        assertThat(r.target()).isEqualTo("naive");
        assertThat(r.totals().logicalOps()).isBetween(90L, 110L);
        assertThat(r.totals().succeeded()).isEqualTo(r.totals().logicalOps());
    }

    @Test
    void shouldRunTheSameWorkloadThroughTheHandWrittenRetryLoop() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "short.yaml");
        RunReport r = new ScenarioRunner(Workflows.builtIn(), new FarmControl(farm.url(), http), true)
                .run(s, Targets.baseline("naive-retry", connectors, http), ScenarioRunner.Listener.NONE, () -> false);
        assertThat(r.target()).isEqualTo("naive-retry");
        assertThat(r.totals().logicalOps()).isBetween(90L, 110L);
        assertThat(r.totals().succeeded())
                .as("calm: nothing to retry")
                .isEqualTo(r.totals().logicalOps());
        assertThat(r.totals().retries()).isZero();
        assertThat(r.totals().duplicates()).isZero();
    }

    @Test
    void shouldRefuseUnknownWorkflowsAndConnectorsBeforeAnyLoad() {
        Scenario bad =
                ScenarioLoader.parse(SCENARIO.replace("workflow: idempotent_write", "workflow: nope"), "bad.yaml");
        var runner = new ScenarioRunner(Workflows.builtIn(), new FarmControl(farm.url(), http), true);
        assertThatThrownBy(() ->
                        runner.run(bad, Targets.naive(connectors, http), ScenarioRunner.Listener.NONE, () -> false))
                .hasMessageContaining("unknown workflow 'nope'");
        Scenario bad2 =
                ScenarioLoader.parse(SCENARIO.replace("connectors: [stripe_mock]", "connectors: [ghost]"), "bad.yaml");
        assertThatThrownBy(() ->
                        runner.run(bad2, Targets.naive(connectors, http), ScenarioRunner.Listener.NONE, () -> false))
                .hasMessageContaining("unknown connector 'ghost'");
    }
}
