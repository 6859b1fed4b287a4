package dev.gauntlet.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.report.RunReport;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.harness.run.ScenarioRunner;
import dev.gauntlet.harness.run.Targets;
import dev.gauntlet.harness.workflow.Workflows;
import dev.gauntlet.mesh.Mesh;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in scenario, shortened to 2 s, end to end through the mesh against the real farm: it runs its phases,
 * judges every threshold, and - whatever the chaos - the checker finds nothing lost and nothing duplicated.
 * (Whether a short run meets the seed's latency and throughput benchmarks is for full-length runs; see bench/README.)
 * Each scenario has a farm and a mesh of its own, so they run side by side (four at a time): one after another they
 * took a minute of the suite, mostly waiting on injected latency and Retry-After.
 */
class BuiltInScenariosTest {
    static final HttpClient http = HttpClient.newHttpClient();
    /** The built-in connectors' file: each scenario points it at its own farm. */
    static String yaml;

    @BeforeAll
    static void read() throws Exception {
        try (var in = ConnectorsFile.class.getResourceAsStream("/gauntlet/connectors.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    static List<String> scenarios() {
        return ScenarioLoader.BUILT_IN;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    @Execution(ExecutionMode.CONCURRENT)
    void shouldRunLoseNothingAndJudgeEveryThreshold(String name) {
        Scenario s =
                ScenarioLoader.builtIn(name).scaledTo(Duration.ofSeconds(2)).withSettle(Duration.ofSeconds(2));
        try (FarmServer farm = FarmServer.start(
                        FarmConfig.builder().host("127.0.0.1").port(0).build());
                Mesh mesh = Mesh.builder().build()) {
            // The built-in connectors with a 5 s call budget instead of 30 s, so the calls still running when a short
            // phase ends (hell keeps some waiting on Retry-After and the limiter) finish quickly.
            List<ConnectorsFile.Entry> connectors = ConnectorsFile.parse(
                    yaml.replace("timeouts: { adaptive: true }", "timeouts: { adaptive: true, total: 5s }"),
                    farm.url(),
                    "test");
            RunReport r = new ScenarioRunner(Workflows.builtIn(), new FarmControl(farm.url(), http), true)
                    .run(s, Targets.mesh(mesh, connectors), ScenarioRunner.Listener.NONE, () -> false);
            assertThat(connectors.getFirst().spec().timeouts().total()).isEqualTo(Duration.ofSeconds(5));
            assertThat(r.scenario()).isEqualTo(name);
            assertThat(r.totals().logicalOps()).as(name + " ran its workflows").isPositive();
            assertThat(r.thresholds()).as(name + " judged every threshold").hasSameSizeAs(s.thresholds());
            assertThat(r.totals().lost()).as(name + ": lost").isZero();
            assertThat(r.totals().duplicates()).as(name + ": duplicates").isZero();
        }
    }
}
