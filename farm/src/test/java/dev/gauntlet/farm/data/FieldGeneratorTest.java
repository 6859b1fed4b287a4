package dev.gauntlet.farm.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FakeClock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Generated times: in the two years before the fixed epoch (never in the future), the same for the same seed. */
class FieldGeneratorTest {

    private static List<String> generate(String kind, long seed) {
        var r = new SplittableRandom(seed);
        var out = new ArrayList<String>();
        for (int i = 0; i < 5_000; i++)
            out.add(FieldGenerator.generate(kind, "created_at", r, i).asText());
        return out;
    }

    @Test
    void shouldGenerateTimestampsInTheTwoYearsBeforeTheEpochAndNeverInTheFuture() {
        Instant farmStart = new FakeClock().instant();
        Instant earliest = FieldGenerator.TIME_EPOCH.minus(FieldGenerator.TIME_WINDOW);
        assertThat(FieldGenerator.TIME_EPOCH).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(generate("timestamp", 42))
                .map(Instant::parse)
                .allSatisfy(t -> assertThat(t)
                        .isBefore(FieldGenerator.TIME_EPOCH)
                        .isBeforeOrEqualTo(farmStart)
                        .isAfterOrEqualTo(earliest))
                // Spread over the window, not bunched at one end.
                .anySatisfy(t -> assertThat(t).isBefore(earliest.plus(FieldGenerator.TIME_WINDOW.dividedBy(10))))
                .anySatisfy(t -> assertThat(t)
                        .isAfter(FieldGenerator.TIME_EPOCH.minus(FieldGenerator.TIME_WINDOW.dividedBy(10))));
        assertThat(generate("date", 42))
                .map(LocalDate::parse)
                .allSatisfy(d ->
                        assertThat(d).isBefore(LocalDate.of(2026, 1, 1)).isAfterOrEqualTo(LocalDate.of(2024, 1, 1)));
    }

    @Test
    void shouldGenerateTheSameTimesForTheSameSeed() {
        assertThat(generate("timestamp", 7)).isEqualTo(generate("timestamp", 7)).isNotEqualTo(generate("timestamp", 8));
        assertThat(generate("date", 7)).isEqualTo(generate("date", 7));
    }
}
