package dev.gauntlet.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.harness.threshold.Threshold;
import dev.gauntlet.harness.workflow.ApiResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** req_per_s is what a connector achieved (succeeded per second), not what was offered to it. */
class AchievedRateTest {

    @Test
    void shouldCountOnlySucceededOperationsInReqPerS() {
        RunRecorder recorder = new RunRecorder(0);
        // 10 s offered at 22 req/s to a starved connector: 30 succeed, the other 190 fail fast (circuit open).
        for (int i = 0; i < 220; i++) {
            ApiResult r = new ApiResult(
                    "stripe_mock", i < 30 ? 200 : 503, null, i < 30 ? null : "circuit_open", 1, false, false, null);
            recorder.record("stripe_mock", r, 0, 1_000_000);
        }
        var figures = new ScenarioRunner.Figures(recorder, null, new RunTarget("mesh", Map.of(), Map.of(), null), 10);
        assertThat(figures.value("req_per_s", "stripe_mock")).isEqualTo(3.0);
        assertThat(figures.value("logical_ops", "stripe_mock")).isEqualTo(220.0);
        assertThat(Threshold.parse("req_per_s{connector=*} >= 20")
                        .evaluate(figures)
                        .pass())
                .as("a starved connector fails '>= 20'")
                .isFalse();
    }
}
