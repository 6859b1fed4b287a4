package dev.gauntlet.mesh.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.FakeTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The upstream's recent answer times: quantiles of the last ten seconds, unknown until enough answers are in. */
class LatencyWindowTest {

    final FakeTime time = new FakeTime();
    final LatencyWindow window = new LatencyWindow(time);

    @Test
    void shouldSayUnknownUntilEnoughAnswersAreIn() {
        for (int i = 0; i < LatencyWindow.MIN_COUNT - 1; i++) window.record(10_000);
        time.advance(Duration.ofSeconds(1));
        assertThat(window.p99Millis()).isEqualTo(-1);
        window.record(10_000);
        time.advance(Duration.ofSeconds(1));
        assertThat(window.p99Millis()).isEqualTo(10);
    }

    @Test
    void shouldGiveTheRecentQuantiles() {
        for (int i = 0; i < 98; i++) window.record(5_000);
        window.record(200_000);
        window.record(900_000);
        time.advance(Duration.ofMillis(300));
        assertThat(window.p95Millis()).isEqualTo(5);
        assertThat(window.p99Millis()).isBetween(199L, 202L);
        assertThat(window.count()).isEqualTo(100);
    }

    @Test
    void shouldForgetAnswersOlderThanTheWindow() {
        for (int i = 0; i < 100; i++) window.record(500_000);
        time.advance(Duration.ofMillis(300));
        assertThat(window.p99Millis()).isBetween(499L, 502L);
        // Ten seconds on, the upstream answers fast: the slow minute is forgotten.
        time.advance(Duration.ofSeconds(LatencyWindow.SLOTS + 1));
        for (int i = 0; i < 100; i++) window.record(3_000);
        time.advance(Duration.ofMillis(300));
        assertThat(window.p99Millis()).isEqualTo(3);
    }
}
