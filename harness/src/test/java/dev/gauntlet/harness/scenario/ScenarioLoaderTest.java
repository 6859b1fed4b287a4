package dev.gauntlet.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.harness.workflow.Workflows;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {

    @Test
    void shouldLoadEveryBuiltInScenarioWithKnownWorkflows() {
        Workflows workflows = Workflows.builtIn();
        for (String name : ScenarioLoader.BUILT_IN) {
            Scenario s = ScenarioLoader.builtIn(name);
            assertThat(s.name()).isEqualTo(name);
            assertThat(s.thresholds()).as(name).isNotEmpty();
            s.phases()
                    .forEach(p -> p.loads()
                            .forEach(l -> assertThat(workflows.has(l.workflow()))
                                    .as(name + ": " + l.workflow())
                                    .isTrue()));
        }
        assertThat(ScenarioLoader.builtIn("hell").thresholds())
                .extracting(t -> t.expr())
                .contains(
                        "req_per_s{connector=*} >= 20",
                        "p50_ms < 500",
                        "p99_ms < 2000",
                        "retry_success_rate > 0.8",
                        "dlq_backlog < 100");
    }

    @Test
    void shouldScalePhasesToTheRequestedDuration() {
        Scenario s = ScenarioLoader.builtIn("multi_service_stress").scaledTo(Duration.ofSeconds(6));
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(6));
        assertThat(s.phases())
                .extracting(Scenario.Phase::duration)
                .containsExactly(Duration.ofMillis(1500), Duration.ofSeconds(3), Duration.ofMillis(1500));
    }

    @Test
    void shouldNameTheFileAndTheFieldOfEveryMistake() {
        assertThatThrownBy(() -> ScenarioLoader.parse("name: x\nphases: []\n", "x.yaml"))
                .hasMessage("x.yaml: phases must be a list of at least one phase");
        assertThatThrownBy(() -> ScenarioLoader.parse("name: x\nphases:\n  - { name: a, duration: soon }\n", "x.yaml"))
                .hasMessage("x.yaml: phases[0].duration must be a duration like 30s, 2m or 500ms, was 'soon'");
        assertThatThrownBy(() -> ScenarioLoader.parse(
                        "name: x\nphases:\n  - { name: a, duration: 5s, workflows: [ { workflow: w } ] }\n", "x.yaml"))
                .hasMessage(
                        "x.yaml: phases[0].workflows[0].rate is required: operations per second per connector, a number");
        assertThatThrownBy(() -> ScenarioLoader.parse(
                        "name: x\nphases:\n  - { name: a, duration: 5s, workflows: [ { workflow: w, rate: -1 } ] }\n",
                        "x.yaml"))
                .hasMessageContaining("phases[0].workflows[0]: workflow 'w': rate must be > 0");
        assertThatThrownBy(() -> ScenarioLoader.parse(
                        "name: x\nphases:\n  - { name: a, duration: 5s, chaos: { level: hell, when: now } }\n",
                        "x.yaml"))
                .hasMessageContaining("unknown field 'phases[0].chaos.when'");
        assertThatThrownBy(() -> ScenarioLoader.parse(
                        "name: x\nphases:\n  - { name: a, duration: 5s }\nthresholds: [ 'p99 < 3' ]\n", "x.yaml"))
                .hasMessageContaining("x.yaml: thresholds[0]: threshold 'p99 < 3': unknown metric 'p99'");
        assertThatThrownBy(() -> ScenarioLoader.find("nope", null))
                .hasMessageContaining("unknown scenario 'nope'; built in: [mild");
    }
}
