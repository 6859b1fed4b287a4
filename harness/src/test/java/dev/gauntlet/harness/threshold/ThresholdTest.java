package dev.gauntlet.harness.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdTest {

    /** Global p99 1500; stripe 2500, github 900; req/s 120 and 80. */
    static final Measurements RUN = new Measurements() {
        final Map<String, Map<String, Double>> per = Map.of(
                "stripe_mock", Map.of("p99_ms", 2500.0, "req_per_s", 120.0, "duplicates", 0.0),
                "github_mock", Map.of("p99_ms", 900.0, "req_per_s", 80.0, "duplicates", 1.0));
        final Map<String, Double> global = Map.of("p99_ms", 1500.0, "success_rate", 0.995, "lost", 0.0);

        @Override
        public double value(String metric, String connector) {
            Map<String, Double> m = connector == null ? global : per.getOrDefault(connector, Map.of());
            return m.getOrDefault(metric, Double.NaN);
        }

        @Override
        public List<String> connectors() {
            return List.of("github_mock", "stripe_mock");
        }
    };

    @Test
    void shouldEvaluateGlobalThresholds() {
        assertThat(Threshold.parse("success_rate > 0.99").evaluate(RUN))
                .isEqualTo(new ThresholdResult("success_rate > 0.99", 0.995, true));
        assertThat(Threshold.parse("success_rate > 99.9%").evaluate(RUN).pass()).isFalse();
        assertThat(Threshold.parse("lost == 0").evaluate(RUN).pass()).isTrue();
        assertThat(Threshold.parse("p99_ms<=1500").evaluate(RUN).pass()).isTrue();
        assertThat(Threshold.parse("p99_ms < 1500").evaluate(RUN).pass()).isFalse();
    }

    @Test
    void shouldEvaluateOneConnectorOrTheWorstOfAll() {
        assertThat(Threshold.parse("p99_ms{connector=github_mock} < 2000")
                        .evaluate(RUN)
                        .pass())
                .isTrue();
        assertThat(Threshold.parse("p99_ms{connector=stripe_mock} < 2000").evaluate(RUN))
                .satisfies(r -> {
                    assertThat(r.pass()).isFalse();
                    assertThat(r.value()).isEqualTo(2500.0);
                });
        assertThat(Threshold.parse("p99_ms{connector=*} < 2000").evaluate(RUN).value())
                .isEqualTo(2500.0);
        assertThat(Threshold.parse("req_per_s{connector=*} >= 100").evaluate(RUN))
                .satisfies(r -> {
                    assertThat(r.value()).isEqualTo(80.0);
                    assertThat(r.pass()).isFalse();
                });
        assertThat(Threshold.parse("duplicates{connector=*} == 0").evaluate(RUN).pass())
                .isFalse();
    }

    @Test
    void shouldFailAMetricNobodyMeasured() {
        ThresholdResult r = Threshold.parse("dlq_backlog < 100").evaluate(RUN);
        assertThat(r.pass()).isFalse();
        assertThat(r.value()).isNaN();
        assertThat(Threshold.parse("p99_ms{connector=nobody} < 100")
                        .evaluate(RUN)
                        .pass())
                .isFalse();
    }

    @Test
    void shouldNameTheExpressionAndWhatWasExpected() {
        assertThatThrownBy(() -> Threshold.parse("p99 < 10"))
                .hasMessageContaining("unknown metric 'p99'")
                .hasMessageContaining("p99_ms");
        assertThatThrownBy(() -> Threshold.parse("p99_ms is small"))
                .hasMessageContaining("'p99_ms is small' must look like");
        assertThatThrownBy(() -> Threshold.parse(" ")).hasMessageContaining("was empty");
    }
}
