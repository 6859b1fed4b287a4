package dev.gauntlet.mesh.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void shouldDoubleTheCapUntilTheMaxWhenAttemptsGrow() {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), new SplittableRandom(1));
        assertThat(b.cap(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(b.cap(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.cap(5)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.cap(6)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.cap(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldSpreadDelaysOverTheWholeRangeWhenJittering() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), new SplittableRandom(7));
        long low = 0, high = 0;
        for (int i = 0; i < 1000; i++) {
            long ms = b.delay(1).toMillis();
            if (ms < 50) low++;
            else high++;
        }
        // Full jitter is uniform: both halves get a fair share (binomial, 1000 draws: ±5 sd is ±80).
        assertThat(low).isBetween(420L, 580L);
        assertThat(high).isBetween(420L, 580L);
    }

    @Test
    void shouldRefuseAMaxBelowTheBaseNamingBoth() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()))
                .hasMessage("backoff.max must be ≥ base, was PT1S < PT2S");
    }

    @Property
    void shouldAlwaysDrawWithinZeroAndTheCap(
            @ForAll @LongRange(min = 1, max = 10_000) long baseMs,
            @ForAll @LongRange(min = 0, max = 100_000) long extraMs,
            @ForAll @IntRange(min = 1, max = 200) int attempt,
            @ForAll long seed) {
        Duration base = Duration.ofMillis(baseMs);
        Duration max = base.plusMillis(extraMs);
        Backoff b = new Backoff(base, max, new SplittableRandom(seed));
        Duration cap = b.cap(attempt);
        assertThat(cap).isLessThanOrEqualTo(max).isGreaterThanOrEqualTo(base);
        assertThat(b.delay(attempt)).isBetween(Duration.ZERO, cap);
    }
}
