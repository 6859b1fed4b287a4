package dev.gauntlet.farm.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultPlannerTest {

    private final ChaosCatalog catalog = ChaosCatalog.builtIn();

    @Test
    void shouldGiveTheSameFaultsWhenTheSeedAndRequestSequenceAreTheSame() {
        List<Fault> first = run(new FaultPlanner(7), "hell");
        List<Fault> second = run(new FaultPlanner(7), "hell");
        assertThat(second).isEqualTo(first);
        assertThat(first).anyMatch(f -> !f.isNone());
    }

    @Test
    void shouldGiveOtherFaultsWhenTheSeedDiffers() {
        assertThat(run(new FaultPlanner(8), "hell")).isNotEqualTo(run(new FaultPlanner(7), "hell"));
    }

    @Test
    void shouldNeverInjectAnythingWhenCalm() {
        assertThat(run(new FaultPlanner(1), "calm")).allMatch(f -> f == Fault.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mild", "storm", "hell"})
    void shouldInjectTheLevelsShareOfFaultsWithinStatisticalBounds(String levelName) {
        ChaosLevel level = catalog.level(levelName);
        ErrorProfile profile = catalog.profile("mostly_ok");
        FaultPlanner planner = new FaultPlanner(99);
        int n = 20_000;
        int errors = 0;
        int network = 0;
        for (int i = 1; i <= n; i++) {
            Fault f = planner.decide("svc", "client-" + (i % 7), i, level, profile);
            if (f.isNone()) continue;
            if (f.type().isNetwork()) network++;
            else errors++;
        }
        assertWithin(errors, n, level.errorRate());
        assertWithin(network, n, level.networkRate() * profile.networkMultiplier());
    }

    @Test
    void shouldSpreadFaultsAccordingToTheProfileWeights() {
        ChaosLevel hell = catalog.level("hell");
        ErrorProfile profile = catalog.profile("aggressive_limits");
        FaultPlanner planner = new FaultPlanner(3);
        Map<FaultType, Integer> counts = new EnumMap<>(FaultType.class);
        int errors = 0;
        for (int i = 1; i <= 20_000; i++) {
            Fault f = planner.decide("svc", "c", i, hell, profile);
            if (f.isNone() || f.type().isNetwork()) continue;
            counts.merge(f.type(), 1, Integer::sum);
            errors++;
        }
        assertWithin(counts.get(FaultType.rate_limit), errors, profile.errors().get(FaultType.rate_limit));
        assertWithin(
                counts.get(FaultType.server_error), errors, profile.errors().get(FaultType.server_error));
    }

    @Test
    void shouldDrawLatencyAroundTheConfiguredMedian() {
        ChaosLevel hell = catalog.level("hell");
        FaultPlanner planner = new FaultPlanner(5);
        List<Long> delays = new ArrayList<>();
        for (int i = 1; i <= 10_001; i++) {
            Fault f = planner.decide("svc", "c", i, hell, catalog.profile("mostly_ok"));
            if (f.isNone() || f.type() == null) delays.add(f.delayMs());
        }
        delays.sort(Long::compare);
        long median = delays.get(delays.size() / 2);
        assertThat(median).isBetween((long) (hell.latencyMs().median() * 0.85), (long)
                (hell.latencyMs().median() * 1.15));
    }

    private List<Fault> run(FaultPlanner planner, String level) {
        List<Fault> out = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            out.add(planner.decide(
                    "stripe_mock", "sk_test…abcd", i, catalog.level(level), catalog.profile("server_errors")));
        }
        return out;
    }

    /** Observed count within 5 standard deviations of a binomial(n, p): fails on a real bias, not on noise. */
    private static void assertWithin(int observed, int n, double p) {
        double mean = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        assertThat((double) observed)
                .as("observed %d of %d, expected share %.3f", observed, n, p)
                .isBetween(mean - 5 * sd - 1, mean + 5 * sd + 1);
    }
}
